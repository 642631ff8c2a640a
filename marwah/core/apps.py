from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marwah.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from marwah.core import (
            checks,  # noqa: F401
            memo,
        )

        memo.connect()
