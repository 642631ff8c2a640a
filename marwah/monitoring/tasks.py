"""Background work for monitoring: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def build_report_task(report_id: int) -> None:
    from marwah.monitoring.services import build

    build(report_id=report_id)


@task()
def remind_due_reports_task() -> int:
    from marwah.monitoring.services import remind_due

    return remind_due()
