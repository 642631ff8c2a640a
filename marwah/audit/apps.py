from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _heads_after_migrate(sender: AppConfig, *, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    from marwah.audit.services import CHAINS

    try:
        # The historical model: a partial `migrate` may have stopped before the table exists.
        head = (apps or global_apps).get_model("audit", "ChainHead")
    except LookupError:
        return
    head.objects.using(using).bulk_create([head(chain=c) for c in range(CHAINS)], ignore_conflicts=True)


class AuditConfig(AppConfig):
    name = "marwah.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Also after `flush` (tests, demo reset): the heads must exist before concurrent writers
        # append with one statement each.
        post_migrate.connect(_heads_after_migrate, sender=self, dispatch_uid="marwah.audit.heads")
