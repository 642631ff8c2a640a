"""Each monitoring task run twice, as a retried task would be: no second PDF, no second reminder."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from marwah.audit.models import AuditEntry
from marwah.monitoring import periods, services, tasks
from marwah.monitoring.models import PeriodicReport, ReportReminder


def test_build_twice_makes_the_files_once(tree, people, django_capture_on_commit_callbacks):
    actor = people.leader_jateng
    report = services.start_report(actor=actor, unit=tree.jateng, period=periods.last_quarter(timezone.localdate()))
    report = services.write_text(actor=actor, report=report, evaluation="Evaluasi triwulan.",
                                 follow_up="Tindak lanjut triwulan berikutnya.")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.request_build(actor=actor, report=report)
    assert len(queued) == 1
    tasks.build_report_task.call(report.pk)
    built = PeriodicReport.objects.get(pk=report.pk)
    assert built.build == PeriodicReport.Build.READY and bytes(built.pdf).startswith(b"%PDF")
    tasks.build_report_task.call(report.pk)
    again = PeriodicReport.objects.get(pk=report.pk)
    assert (bytes(again.pdf), bytes(again.xlsx), again.built_at) == (bytes(built.pdf), bytes(built.xlsx),
                                                                      built.built_at)
    assert AuditEntry.objects.filter(action="monitoring.report_built").count() == 1
    # Asked again (new text, a new request), it is made again.
    report = services.write_text(actor=actor, report=again, evaluation="Evaluasi yang diperbaiki.",
                                 follow_up="Tindak lanjut.")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_build(actor=actor, report=report)
    assert AuditEntry.objects.filter(action="monitoring.report_built").count() == 2


def test_due_reminders_twice_remind_each_unit_once(tree, people, monkeypatch, django_capture_on_commit_callbacks):
    period = periods.last_quarter(timezone.localdate())
    day = services.due_date(period) - timedelta(days=2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.remind_due_reports_task.call()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.remind_due_reports_task.call()
    assert first >= 2 and second == 0
    recipients = [a for m in mail.outbox for a in m.to]
    assert people.leader_grobogan.email in recipients and len(recipients) == len(set(recipients))
    assert ReportReminder.objects.count() == first
    assert AuditEntry.objects.filter(action="monitoring.report_reminder").count() == first
