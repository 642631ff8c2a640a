"""Background work for leave: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notice_emails_task(notice_ids: list[int]) -> int:
    from marwah.leave.notify import send_notice_emails

    return send_notice_emails(notice_ids)


@task()
def roll_over_task() -> int:
    """Daily: opens the current year's balances (idempotent; does real work once a year)."""
    from django.utils import timezone

    from marwah.leave.services import roll_over

    return roll_over(year=timezone.localdate().year)
