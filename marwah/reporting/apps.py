from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "marwah.reporting"
    label = "reporting"
    verbose_name = _("Confidential reporting")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from marwah.accounts.signals import password_changed, password_verified
        from marwah.reporting import browserkey, vault

        user_logged_out.connect(browserkey.on_logout, dispatch_uid="reporting-forget-browser-key")

        password_verified.connect(vault.on_password_verified, dispatch_uid="reporting-unlock-key")
        password_changed.connect(vault.on_password_changed, dispatch_uid="reporting-rewrap-key")
