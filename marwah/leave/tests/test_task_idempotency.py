"""Each leave task run twice, as a retried task would be: no second email, no second balance."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from marwah.leave import tasks
from marwah.leave.models import AbsenceNotice, Balance


def _notice(employee, superior_user) -> AbsenceNotice:
    return AbsenceNotice.objects.create(employee=employee, unit_path=employee.unit_path, year=2026, level=1,
                                        sanction_code="pp94_oral", days=3, consecutive=3,
                                        superior_user=superior_user)


def test_absence_notice_emails_twice_email_the_superior_once(office):
    first = [_notice(office.staff_emp, office.secretary), _notice(office.colleague_emp, office.secretary)]
    mail.outbox.clear()
    ids = [n.pk for n in first]
    assert tasks.send_notice_emails_task.call(ids) == 1  # one email for both of the secretary's notices
    assert tasks.send_notice_emails_task.call(ids) == 0
    assert [m.to for m in mail.outbox] == [["rustam@example.org"]]
    assert AbsenceNotice.objects.filter(pk__in=ids, emailed_at__isnull=True).count() == 0
    # A later notice is emailed; the earlier ones are not again.
    later = _notice(office.staff_emp, office.secretary)
    assert tasks.send_notice_emails_task.call([*ids, later.pk]) == 1
    assert len(mail.outbox) == 2


def test_a_failed_notice_email_is_tried_again(office, monkeypatch):
    notice = _notice(office.staff_emp, office.secretary)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("marwah.leave.notify.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_notice_emails_task.call([notice.pk])
    notice.refresh_from_db()
    assert notice.emailed_at is None
    monkeypatch.undo()
    mail.outbox.clear()
    assert tasks.send_notice_emails_task.call([notice.pk]) == 1
    assert tasks.send_notice_emails_task.call([notice.pk]) == 0
    assert len(mail.outbox) == 1


def test_roll_over_twice_opens_each_balance_once(office, holidays):
    year = timezone.localdate().year
    opened = tasks.roll_over_task.call()
    rows = {b.employee_id: (b.entitlement, b.carried, b.collective)
            for b in Balance.objects.filter(year=year)}
    assert opened == len(rows) >= 5
    assert tasks.roll_over_task.call() == 0
    assert {b.employee_id: (b.entitlement, b.carried, b.collective)
            for b in Balance.objects.filter(year=year)} == rows
