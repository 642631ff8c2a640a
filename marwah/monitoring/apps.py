from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "marwah.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from marwah.monitoring.casestats import on_case_event

        post_save.connect(on_case_event, sender="cases.CaseEvent", dispatch_uid="monitoring.case_event")
