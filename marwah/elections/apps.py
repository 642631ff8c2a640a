from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "marwah.elections"
    label = "elections"
    verbose_name = _("Elections and neutrality watch")

    def ready(self) -> None:
        from marwah.elections import receivers  # noqa: F401  (connects the case tagger)
