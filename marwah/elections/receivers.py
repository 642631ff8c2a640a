"""Tag every neutrality case with the election stage and period of the day it was logged."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender="cases.Case", dispatch_uid="elections.tag_case")
def tag_new_case(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    from marwah.elections.services import tag_case
    from marwah.rules.violations import NEUTRALITY

    if instance.category == NEUTRALITY:
        # Leads are filed through cases.services.file_neutrality_lead, which sets LEAD_FILER.
        from marwah.cases.receivers import LEAD_FILER

        tag_case(case=instance, is_lead=LEAD_FILER.get(None) is not None)
