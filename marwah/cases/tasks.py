"""Background work for cases: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def send_case_email_task(case_id: int, user_ids: list[int], reason: str, notification: str = "") -> int:
    """Idempotent: each (notification, recipient) is sent once (cases.CaseEmail)."""
    from marwah.cases.models import Case
    from marwah.cases.notify import send_case_email

    case = Case.objects.filter(pk=case_id).first()
    return send_case_email(case=case, user_ids=user_ids, reason=reason, notification=notification) if case else 0


@task()
def check_deadlines_task() -> dict[str, int]:
    from marwah.cases.services import check_deadlines

    return check_deadlines()


@task()
def purge_expired_task() -> int:
    from marwah.cases.services import purge_expired

    return purge_expired()
