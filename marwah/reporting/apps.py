from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "marwah.reporting"
    label = "reporting"
    verbose_name = _("Confidential reporting")

    def ready(self) -> None:
        from marwah.accounts.signals import password_changed, password_verified
        from marwah.reporting import vault

        password_verified.connect(vault.on_password_verified, dispatch_uid="reporting-unlock-key")
        password_changed.connect(vault.on_password_changed, dispatch_uid="reporting-rewrap-key")
