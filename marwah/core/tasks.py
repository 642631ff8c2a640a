"""Enqueue background work only once the transaction that asked for it commits."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def enqueue_on_commit(work: Any, *args: Any, **kwargs: Any) -> None:
    """Inside a transaction on the database queue the task's row is written in that transaction: it
    appears to the workers at its commit and goes with its rollback, and the caller pays no second
    commit (an fsync) for it (issue 14). Any other queue (RQ) is told after the commit."""
    if isinstance(work.get_backend(), DatabaseBackend) and transaction.get_connection(
            router.db_for_write(DBTaskResult)).in_atomic_block:
        work.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: work.enqueue(*args, **kwargs))


@task()
def ping(value: str) -> str:
    """A task with no side effects, used to check that a task backend really runs work."""
    return f"pong:{value}"


TRANSIENT = ("AbandonedJobError", "OperationalError", "InterfaceError")


def _worth_retrying(job: Any) -> bool:
    """A job a killed worker left behind (no error of its own), or one that met a database that
    was restarting."""
    errors = str(job.exc_info or "")
    try:
        errors += str(job.meta.get("_django_tasks_rq_exceptions", ""))
    except Exception:  # noqa: BLE001, S110 - meta unreadable: judge by exc_info alone
        pass
    return not errors or any(name in errors for name in TRANSIENT)


def requeue_abandoned() -> int:
    """Put back on the queue the jobs a killed worker left behind (RQ marks them failed with no
    error of their own) and those that met a restarting database. Every Marwah task is idempotent — it checks what is already done
    before doing it — so running one again has no second effect. Jobs that failed with an
    error of their own stay failed, to be looked at."""
    from django.conf import settings

    if settings.TASK_BACKEND != "rq":
        return 0
    import django_rq
    from rq.exceptions import InvalidJobOperation
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    queue = django_rq.get_queue("default")
    registry = FailedJobRegistry(queue=queue)
    requeued = 0
    for job_id in registry.get_job_ids():
        job = Job.fetch(job_id, connection=queue.connection)
        if _worth_retrying(job):
            try:
                registry.requeue(job_id)
            except InvalidJobOperation:  # another run of this task put it back first
                continue
            requeued += 1
    return requeued


@task()
def requeue_abandoned_task() -> int:
    return requeue_abandoned()
