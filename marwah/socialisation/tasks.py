"""Background work for socialisation: thin wrappers that load the object and call the service."""

from __future__ import annotations

from django_tasks import task

from marwah.orgs.models import Institution
from marwah.socialisation import services


@task()
def refresh_headcounts_task(institution_id: int) -> int:
    institution = Institution.objects.filter(pk=institution_id).first()
    return services.refresh_headcounts(institution=institution) if institution else 0
