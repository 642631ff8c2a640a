"""Periodic monitoring reports: write, make (in the background), send up, acknowledge or return,
correct as a new version; reminders before the reporting deadline. Every step is audited in the
same transaction; a sent report is frozen."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.audit.services import record
from marwah.core.figures import Period
from marwah.core.tasks import enqueue_on_commit
from marwah.monitoring import selectors
from marwah.monitoring.models import PeriodicReport, ReportReminder
from marwah.orgs.models import Unit

log = logging.getLogger(__name__)
MAX_TEXT = 5000


def due_date(period: Period) -> date:
    """Reports are due this many days after the period ends (setting MARWAH_REPORT_DUE_DAYS)."""
    return period.end + timedelta(days=int(getattr(settings, "MARWAH_REPORT_DUE_DAYS", 10)))


def _require_reporter(actor: User, unit: Unit) -> None:
    if not selectors.can_report(actor, unit):
        raise ValidationError(_("Only the unit's leader, HR or an administrator can do this."))


def _clean(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Keep it under %(n)s characters.") % {"n": MAX_TEXT})
    return text


@transaction.atomic
def start_report(*, actor: User, unit: Unit, period: Period, consolidated: bool = False) -> PeriodicReport:
    """The open draft for the unit and period, or a new version (text carried over)."""
    _require_reporter(actor, unit)
    existing = selectors.reports_for_unit(unit, period)
    draft = existing.filter(status=PeriodicReport.Status.DRAFT).first()
    if draft is not None:
        return draft
    last = existing.first()
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    report = PeriodicReport.objects.create(
        unit=unit, period_kind=period.kind or "custom", period_start=period.start, period_end=period.end,
        version=version, consolidated=consolidated or bool(last and last.consolidated),
        evaluation=last.evaluation if last else "", follow_up=last.follow_up if last else "", created_by=actor)
    record(actor=actor, action="monitoring.report_started", target=report, unit=unit,
           detail={"period": [period.start.isoformat(), period.end.isoformat()], "version": version,
                   "consolidated": report.consolidated})
    return report


def _draft(report: PeriodicReport) -> PeriodicReport:
    locked = (PeriodicReport.objects.select_for_update(of=("self",)).select_related("unit", "unit__parent")
              .get(pk=report.pk))
    if locked.is_frozen:
        raise ValidationError(_("This report has been sent and cannot change; make a new version to correct it."))
    return locked


@transaction.atomic
def write_text(*, actor: User, report: PeriodicReport, evaluation: str, follow_up: str) -> PeriodicReport:
    _require_reporter(actor, report.unit)
    report = _draft(report)
    report.evaluation, report.follow_up = _clean(evaluation), _clean(follow_up)
    # The files no longer match the text: they are made again before sending.
    report.build, report.progress = PeriodicReport.Build.NONE, 0
    report.save(update_fields=["evaluation", "follow_up", "build", "progress"])
    record(actor=actor, action="monitoring.report_text", target=report, unit=report.unit,
           detail={"evaluation_chars": len(report.evaluation), "follow_up_chars": len(report.follow_up)})
    return report


@transaction.atomic
def request_build(*, actor: User, report: PeriodicReport) -> PeriodicReport:
    """Queue the PDF and XLSX; the page polls the progress and never waits."""
    from marwah.monitoring.tasks import build_report_task

    _require_reporter(actor, report.unit)
    report = _draft(report)
    if not report.evaluation or not report.follow_up:
        raise ValidationError(_("Write the evaluation and the follow-up plan first."))
    report.build, report.progress = PeriodicReport.Build.QUEUED, 5
    report.save(update_fields=["build", "progress"])
    record(actor=actor, action="monitoring.report_build", target=report, unit=report.unit)
    enqueue_on_commit(build_report_task, report.pk)
    return report


def _progress(report: PeriodicReport, value: int, build: str = PeriodicReport.Build.RUNNING) -> None:
    PeriodicReport.objects.filter(pk=report.pk).update(progress=value, build=build)


def build(*, report_id: int) -> None:
    """Make the snapshot, the PDF and the XLSX (run by the worker).

    Idempotent: files already made since the last request (build READY) are kept, so a retried
    task makes no second PDF; `request_build` and `write_text` reset the state when they must be
    made again."""
    from marwah.monitoring import render

    report = PeriodicReport.objects.select_related("unit", "unit__parent", "unit__institution", "created_by").get(
        pk=report_id)
    if report.is_frozen or report.build == PeriodicReport.Build.READY:
        return
    try:
        _progress(report, 15)
        snapshot = render.snapshot(report)
        _progress(report, 45)
        pdf = render.pdf(report, snapshot)
        _progress(report, 80)
        xlsx = render.xlsx(report, snapshot)
    except Exception:
        log.exception("monitoring report %s failed", report_id)
        _progress(report, 0, PeriodicReport.Build.FAILED)
        raise
    with transaction.atomic():
        locked = PeriodicReport.objects.select_for_update().get(pk=report_id)
        if locked.is_frozen or locked.build == PeriodicReport.Build.READY:  # another run finished first
            return
        locked.snapshot, locked.pdf, locked.xlsx = snapshot, pdf, xlsx
        locked.build, locked.progress, locked.built_at = PeriodicReport.Build.READY, 100, timezone.now()
        locked.save(update_fields=["snapshot", "pdf", "xlsx", "build", "progress", "built_at"])
        record(actor=None, action="monitoring.report_built", target=locked, unit=locked.unit_id,
               detail={"pdf_bytes": len(pdf), "xlsx_bytes": len(xlsx)})


@transaction.atomic
def send(*, actor: User, report: PeriodicReport) -> PeriodicReport:
    _require_reporter(actor, report.unit)
    report = _draft(report)
    if report.build != PeriodicReport.Build.READY:
        raise ValidationError(_("Make the report (PDF and XLSX) before sending it."))
    report.status, report.sent_by, report.sent_at = PeriodicReport.Status.SENT, actor, timezone.now()
    report.save(update_fields=["status", "sent_by", "sent_at"])
    record(actor=actor, action="monitoring.report_sent", target=report, unit=report.unit,
           detail={"to_unit": report.unit.parent_id, "version": report.version})
    _notify_reviewers(report)
    return report


def _review(actor: User, report: PeriodicReport) -> PeriodicReport:
    locked = (PeriodicReport.objects.select_for_update(of=("self",)).select_related("unit", "unit__parent")
              .get(pk=report.pk))
    if not selectors.can_review(actor, locked):
        raise ValidationError(_("Only the level above can acknowledge or return this report."))
    if locked.status != PeriodicReport.Status.SENT:
        raise ValidationError(_("This report has already been answered."))
    return locked


@transaction.atomic
def acknowledge(*, actor: User, report: PeriodicReport, note: str = "") -> PeriodicReport:
    report = _review(actor, report)
    report.status, report.reviewed_by, report.reviewed_at = PeriodicReport.Status.ACKNOWLEDGED, actor, timezone.now()
    report.review_note = _clean(note)
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record(actor=actor, action="monitoring.report_acknowledged", target=report, unit=report.unit.parent_id,
           detail={"version": report.version})
    return report


@transaction.atomic
def return_report(*, actor: User, report: PeriodicReport, note: str) -> PeriodicReport:
    if not (note or "").strip():
        raise ValidationError(_("Write what the unit should correct."))
    report = _review(actor, report)
    report.status, report.reviewed_by, report.reviewed_at = PeriodicReport.Status.RETURNED, actor, timezone.now()
    report.review_note = _clean(note)
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record(actor=actor, action="monitoring.report_returned", target=report, unit=report.unit.parent_id,
           detail={"version": report.version})
    return report


def _people(unit: Unit, roles: tuple[str, ...]) -> list[User]:
    """Holders of `roles` at the unit itself (those answerable for its report)."""
    ids = RoleAssignment.objects.filter(unit=unit, role__in=roles).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids), is_active=True).exclude(email=""))


def _notify_reviewers(report: PeriodicReport) -> None:
    parent = report.unit.parent
    if parent is None:
        return
    emails = [u.email for u in _people(parent, (Role.UNIT_LEADER, Role.HR))]
    if emails:
        transaction.on_commit(lambda: send_mail(
            _("Monitoring report received: %(unit)s") % {"unit": report.unit.name},
            _("%(unit)s has sent its monitoring report for %(start)s – %(end)s (version %(v)s).") % {
                "unit": report.unit.name, "start": report.period_start, "end": report.period_end,
                "v": report.version},
            None, emails, fail_silently=True))


def remind_due(*, today: date | None = None) -> int:
    """A few days before the deadline of last quarter's report, remind each unit with a leader
    that has not sent it (once per unit and period)."""
    from marwah.monitoring.periods import last_quarter

    today = today or timezone.localdate()
    period = last_quarter(today)
    due = due_date(period)
    if not (due - timedelta(days=int(getattr(settings, "MARWAH_REPORT_REMIND_DAYS", 5))) <= today <= due):
        return 0
    sent_units = set(PeriodicReport.objects.filter(period_start=period.start, period_end=period.end)
                     .exclude(status=PeriodicReport.Status.DRAFT).values_list("unit_id", flat=True))
    reminded = set(ReportReminder.objects.filter(period_start=period.start).values_list("unit_id", flat=True))
    unit_ids = set(RoleAssignment.objects.filter(role=Role.UNIT_LEADER, unit__parent__isnull=False)
                   .values_list("unit_id", flat=True)) - sent_units - reminded
    count = 0
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path"):
        with transaction.atomic():
            ReportReminder.objects.create(unit=unit, period_start=period.start)
            record(actor=None, action="monitoring.report_reminder", target=unit, unit=unit,
                   detail={"period": period.start.isoformat(), "due": due.isoformat()})
            emails = [u.email for u in _people(unit, (Role.UNIT_LEADER,))]
            if emails:
                subject = _("Monitoring report due on %(due)s") % {"due": due.isoformat()}
                body = _("The monitoring and evaluation report of %(unit)s for %(start)s – %(end)s is due on "
                         "%(due)s.") % {"unit": unit.name, "start": period.start, "end": period.end, "due": due}
                transaction.on_commit(partial(send_mail, subject, body, None, emails, fail_silently=True))
            count += 1
    return count


