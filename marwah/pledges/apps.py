from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "marwah.pledges"
    label = "pledges"
    verbose_name = _("Pledges and integrity pacts")

    def ready(self) -> None:
        from marwah.accounts.signals import password_verified

        password_verified.connect(_remember_password_check, dispatch_uid="pledges_reauth")


def _remember_password_check(sender, request=None, user=None, **kwargs) -> None:
    """A password just checked at login opens the 'recently authenticated' window for signing."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["marwah_reauth_at"] = time.time()
