"""Background work for the people registry: thin wrappers that load the job and call the service."""

from __future__ import annotations

import logging

from django_tasks import task

from marwah.people import services
from marwah.people.models import ImportJob

log = logging.getLogger(__name__)


def _job(job_id: int, status: str) -> ImportJob | None:
    return ImportJob.objects.select_related("root", "created_by").filter(pk=job_id, status=status).first()


def _failed(job_id: int) -> None:
    log.exception("people import %s failed", job_id)
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED,
                                               message="")


@task()
def check_import_task(job_id: int) -> str:
    job = _job(job_id, ImportJob.Status.CHECKING)
    if job is None:
        return "gone"
    try:
        return services.check_import(job=job).status
    except Exception:
        _failed(job_id)
        raise


@task()
def apply_import_task(job_id: int) -> str:
    job = _job(job_id, ImportJob.Status.APPLYING)
    if job is None:
        return "gone"
    try:
        return services.apply_import(job=job).status
    except Exception:
        _failed(job_id)
        raise
