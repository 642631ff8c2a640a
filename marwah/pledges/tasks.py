"""Background work for pledges: thin wrappers that load the object and call the service."""

from __future__ import annotations

from django_tasks import task

from marwah.orgs.models import Unit
from marwah.pledges import services
from marwah.pledges.models import Campaign, Signature


@task()
def launch_campaign_task(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    return services.launch_campaign(campaign=campaign) if campaign else 0


@task()
def remind_task(campaign_id: int, unit_id: int | None = None) -> int:
    campaign = Campaign.objects.select_related("version").filter(pk=campaign_id).first()
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    return services.remind_pending(campaign=campaign, unit=unit) if campaign else 0


@task()
def render_pdf_task(signature_id: int) -> None:
    signature = (Signature.objects.select_related("campaign__institution", "version", "employee", "unit", "ceremony")
                 .filter(pk=signature_id).first())
    if signature is not None and signature.is_signed:
        services.ensure_pdf(signature=signature)


@task()
def sync_scope_task(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    return services.sync_scope(campaign=campaign) if campaign else 0
