from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    name = "marwah.leave"
    label = "leave"
    verbose_name = _("Leave and attendance")
