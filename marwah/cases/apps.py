from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "marwah.cases"
    label = "cases"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from marwah.cases import receivers

        receivers.connect()
