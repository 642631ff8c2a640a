"""Background work for onboarding: thin wrappers that load the object and call the service."""

from __future__ import annotations

import logging

from django_tasks import task

from marwah.onboarding import services
from marwah.onboarding.models import InvitationBatch

log = logging.getLogger(__name__)


@task()
def run_batch_task(batch_id: int) -> int:
    batch = InvitationBatch.objects.select_related("unit", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.finished:
        return 0
    try:
        return services.run_batch(batch=batch).done
    except Exception:
        log.exception("bulk invitation %s failed", batch_id)
        InvitationBatch.objects.filter(pk=batch_id).update(status=InvitationBatch.Status.FAILED)
        raise
