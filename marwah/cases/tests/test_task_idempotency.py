"""Each case task run twice, as a retried task would be: no second email, event or audit row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marwah.audit.models import AuditEntry
from marwah.cases import services, tasks
from marwah.cases.models import Case, CaseEmail, CaseEvent
from marwah.cases.tests.conftest import with_key
from marwah.cases.tests.factories import submit


@pytest.fixture
def case(people, tree, kpu):
    with_key(people.satgas_jateng)
    return submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang]).case


def _recipients() -> list[str]:
    return sorted(a for m in mail.outbox for a in m.to)


def test_a_case_email_enqueued_twice_is_sent_once(case, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services._notify(case, [people.satgas_jateng.pk], "assigned")
    (enqueue,) = callbacks
    enqueue()
    enqueue()  # the same job again, as RQ runs it after a worker died before acknowledging it
    assert _recipients() == ["mey@example.org"]
    assert CaseEmail.objects.filter(case=case, user=people.satgas_jateng).count() == 1
    # A later notification has its own id and is sent.
    with django_capture_on_commit_callbacks(execute=True):
        services._notify(case, [people.satgas_jateng.pk], "assigned")
    assert _recipients() == ["mey@example.org", "mey@example.org"]


def test_a_failed_send_is_not_marked_sent(case, people, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("marwah.cases.notify.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_case_email_task.call(case.pk, [people.satgas_jateng.pk], "new", "n1")
    assert not CaseEmail.objects.filter(notification="n1").exists()
    monkeypatch.undo()
    mail.outbox.clear()
    assert tasks.send_case_email_task.call(case.pk, [people.satgas_jateng.pk], "new", "n1") == 1
    assert tasks.send_case_email_task.call(case.pk, [people.satgas_jateng.pk], "new", "n1") == 0
    assert _recipients() == ["mey@example.org"]


def _working_day_after(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_deadline_check_twice_reminds_and_escalates_once(case, django_capture_on_commit_callbacks):
    Case.objects.filter(pk=case.pk).update(stage_due=_working_day_after(timezone.localdate()))
    mail.outbox.clear()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.check_deadlines_task.call()
    reminded = _recipients()
    assert reminded and len(reminded) == len(set(reminded))
    assert AuditEntry.objects.filter(action="case.reminder").count() == 1

    Case.objects.filter(pk=case.pk).update(stage_due=timezone.localdate() - timedelta(days=3))
    mail.outbox.clear()
    results = []
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            results.append(tasks.check_deadlines_task.call())
    assert [r["escalated"] for r in results] == [1, 0]
    escalated = _recipients()
    assert "leader_jateng@example.org" in escalated and len(escalated) == len(set(escalated))
    assert CaseEvent.objects.filter(case=case, kind="overdue").count() == 1
    assert AuditEntry.objects.filter(action="case.overdue").count() == 1


def test_a_stale_deadline_run_claims_nothing_already_claimed(case, django_capture_on_commit_callbacks, monkeypatch):
    """Two workers at once: the second read the case before the first marked it."""
    Case.objects.filter(pk=case.pk).update(stage_due=timezone.localdate() - timedelta(days=3))
    stale = list(Case.objects.filter(pk=case.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_deadlines()["escalated"] == 1
    mail.outbox.clear()
    real_filter = Case.objects.filter

    def filter_once(*args, **kwargs):  # the second run's list of open cases is the stale one
        if "escalated_at__isnull" in kwargs and "pk" not in kwargs:
            monkeypatch.setattr(Case.objects, "filter", real_filter)
            return type("Stale", (), {"iterator": lambda self: iter(stale)})()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Case.objects, "filter", filter_once)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_deadlines()["escalated"] == 0
    assert mail.outbox == [] and AuditEntry.objects.filter(action="case.overdue").count() == 1


def test_retention_purge_twice_purges_once(case, people, monkeypatch, staff_request):
    purged = []
    monkeypatch.setattr("marwah.reporting.services.purge_report_content", lambda *, report: purged.append(report.pk))
    services.change_status(case=case, actor=people.satgas_jateng, to="rejected", reason="Di luar kewenangan.",
                           request=staff_request(people.satgas_jateng))
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.purge_expired_task.call() == 1
    assert tasks.purge_expired_task.call() == 0
    assert purged == [case.report_id]
    assert AuditEntry.objects.filter(action="case.purged").count() == 1
    assert not CaseEmail.objects.filter(case=case).exists()
