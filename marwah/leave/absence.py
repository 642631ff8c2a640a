"""Attendance writes, the unexcused-absence counters, threshold notices and discipline cases.

A working day with no attendance and no approved leave or permission is an unexcused
absence (issue 12). Imports write set-based: COPY into a temporary table and one
INSERT … ON CONFLICT on PostgreSQL, executemany in batches elsewhere. Then the counters of
the people in the file are recounted in one pass, and crossing a PP 94/2021 threshold
creates a notice for the direct superior (Pasal 26/28).
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.core.tasks import enqueue_on_commit
from marwah.leave.attendance import Row
from marwah.leave.models import (
    AbsenceCounter,
    AbsenceNotice,
    Attendance,
    DayStatus,
    Request,
    Source,
    Status,
    UnitMonth,
)
from marwah.orgs.models import Unit
from marwah.people.models import Employee
from marwah.rules import absence as table
from marwah.worktime.services import holidays_in_year, is_working_day

CHUNK = 5000
BATCH = 20_000


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def resolve_refs(root: Unit, refs: set[str]) -> dict[str, int]:
    """NIP or employee number -> employee id, for people in `root`'s subtree only."""
    found: dict[str, int] = {}
    items = sorted(refs)
    for chunk in _chunks(items):
        base = Employee.objects.filter(unit_path__startswith=root.path, institution_id=root.institution_id)
        found.update((n or "", pk) for pk, n in base.filter(nip__in=chunk).values_list("id", "nip"))
        found.update((n or "", pk) for pk, n in base.filter(employee_number__in=chunk)
                     .values_list("id", "employee_number"))
    return found


def working_days(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


# --- Import --------------------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    people: int = 0
    filled_absent: int = 0
    notices: int = 0


# HR's manual marks win; unchanged rows are not rewritten, so a re-import writes nothing.
_UPSERT_WHERE = (f"WHERE {Attendance._meta.db_table}.source <> 'manual' AND "
                 f"({Attendance._meta.db_table}.status, {Attendance._meta.db_table}.check_in, "
                 f"{Attendance._meta.db_table}.check_out) IS DISTINCT FROM "
                 f"(excluded.status, excluded.check_in, excluded.check_out)")


NULL = "\\N"


def _copy_line(row: Row) -> str:
    """One line of COPY's text format; every value here is digits, dashes or colons."""
    eid, day, present, cin, cout = row
    return (f"{eid}\t{day.isoformat()}\t{'present' if present else 'absent'}\t"
            f"{cin.isoformat() if cin else NULL}\t{cout.isoformat() if cout else NULL}\n")


def _write_pg(rows: list[Row]) -> None:
    att = Attendance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE leave_att_in (employee_id bigint, day date, status varchar(8), "
                       "check_in time, check_out time) ON COMMIT DROP")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy("COPY leave_att_in (employee_id, day, status, check_in, check_out) FROM STDIN") as copy:
            for chunk in _chunks(rows, 50_000):
                copy.write("".join(_copy_line(row) for row in chunk))
        cursor.execute(
            f"INSERT INTO {att} (employee_id, day, status, source, check_in, check_out, note) "  # noqa: S608
            f"SELECT employee_id, day, status, 'import', check_in, check_out, '' FROM leave_att_in "
            f"ON CONFLICT (employee_id, day) DO UPDATE SET status = EXCLUDED.status, "
            f"check_in = EXCLUDED.check_in, check_out = EXCLUDED.check_out {_UPSERT_WHERE}")
        cursor.execute("DROP TABLE leave_att_in")


def _write_other(rows: list[Row]) -> None:
    att = Attendance._meta.db_table
    sql = (f"INSERT INTO {att} (employee_id, day, status, source, check_in, check_out, note) "  # noqa: S608
           f"VALUES (%s, %s, %s, 'import', %s, %s, '') ON CONFLICT (employee_id, day) DO UPDATE SET "
           f"status = excluded.status, check_in = excluded.check_in, check_out = excluded.check_out "
           f"{_UPSERT_WHERE}")
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, BATCH):
            cursor.executemany(sql, [(e, d.isoformat(), "present" if p else "absent",
                                      ci.isoformat() if ci else None, co.isoformat() if co else None)
                                     for e, d, p, ci, co in chunk])


def _fill_missing(employee_ids: list[int], days: list[date]) -> int:
    """Working days in the file's range with no row for a person: no attendance that day."""
    if not employee_ids or not days:
        return 0
    att = Attendance._meta.db_table
    total = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for chunk in _chunks(employee_ids, 20_000):
                cursor.execute(
                    f"INSERT INTO {att} (employee_id, day, status, source, note) "  # noqa: S608
                    f"SELECT e, d, 'absent', 'import', '' FROM unnest(%s::bigint[]) e "
                    f"CROSS JOIN unnest(%s::date[]) d ON CONFLICT (employee_id, day) DO NOTHING",
                    [chunk, days])
                total += cursor.rowcount
        else:
            sql = (f"INSERT INTO {att} (employee_id, day, status, source, note) "  # noqa: S608
                   f"VALUES (%s, %s, 'absent', 'import', '') ON CONFLICT (employee_id, day) DO NOTHING")
            for chunk in _chunks(employee_ids, max(1, BATCH // max(1, len(days)))):
                params = [(e, d.isoformat()) for e in chunk for d in days]
                cursor.executemany(sql, params)
                total += max(0, cursor.rowcount)
    return total


def apply_import(*, actor: User | None, root: Unit, rows: list[Row], notify: bool = True) -> ImportSummary:
    """Write checked rows; re-importing the same file changes nothing. HR's manual marks are kept."""
    summary = ImportSummary(rows=len(rows))
    if not rows:
        return summary
    employee_ids = sorted({r[0] for r in rows})
    first, last = min(r[1] for r in rows), max(r[1] for r in rows)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _write_pg(rows)
        else:
            _write_other(rows)
        days = working_days(first, last)
        wanted = set(days)
        # Files from the attendance machine usually list every person on every working day: nothing to fill.
        if sum(1 for r in rows if r[1] in wanted) < len(employee_ids) * len(days):
            summary.filled_absent = _fill_missing(employee_ids, days)
        summary.people = len(employee_ids)
        summary.notices = len(recount(employee_ids=employee_ids, years=set(range(first.year, last.year + 1)),
                                      notify=notify))
        refresh_unit_months(employee_ids=employee_ids, first=first, last=last)
        record(actor=actor, action="leave.attendance_imported", target=root, unit=root,
               detail={"rows": summary.rows, "people": summary.people, "first": first.isoformat(),
                       "last": last.isoformat(), "notices": summary.notices})
    return summary


@transaction.atomic
def mark_day(*, actor: User, employee: Employee, day: date, status: str, reason: str) -> Attendance:
    """HR marks one day by hand (e.g. a machine failure, an official trip); kept over re-imports."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for marking this day."))
    if status not in DayStatus.values:
        raise ValidationError(_("Choose present, absent or excused."))
    if day > timezone.localdate():
        raise ValidationError(_("The day is in the future."))
    row, _created = Attendance.objects.update_or_create(
        employee=employee, day=day,
        defaults={"status": status, "source": Source.MANUAL, "note": reason[:300]})
    record(actor=actor, action="leave.day_marked", target=employee, unit=employee.unit_id,
           detail={"day": day.isoformat(), "status": status})
    recount(employee_ids=[employee.pk], years={day.year})
    refresh_unit_months(employee_ids=[employee.pk], first=day, last=day)
    return row


# --- Counters and thresholds ------------------------------------------------------------------------------


def _working_index(year: int) -> dict[date, int]:
    holidays = holidays_in_year(year)
    day, index, out = date(year, 1, 1), 0, {}
    while day.year == year:
        if day.weekday() < 5 and day not in holidays:
            out[day] = index
            index += 1
        day += timedelta(days=1)
    return out


def unexcused_days(employee_ids: list[int], year: int) -> dict[int, list[date]]:
    """Days without attendance and not covered by approved leave or permission, per person."""
    covered = Request.objects.filter(employee_id=OuterRef("employee_id"),
                                     status__in=[Status.APPROVED, Status.RECALLED],
                                     start__lte=OuterRef("day"), effective_end__gte=OuterRef("day"))
    out: dict[int, list[date]] = defaultdict(list)
    for chunk in _chunks(employee_ids):
        qs = (Attendance.objects.filter(employee_id__in=chunk, status=DayStatus.ABSENT,
                                        day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
              .filter(~Exists(covered)).values_list("employee_id", "day").order_by("employee_id", "day"))
        for eid, day in qs.iterator(chunk_size=10_000):
            out[eid].append(day)
    return out


def count_runs(days: Iterable[date], index: dict[date, int]) -> tuple[int, int]:
    """(working days, longest run of consecutive working days); weekends and holidays do not break a run."""
    total = longest = run = 0
    previous = -2
    for day in days:
        position = index.get(day)
        if position is None:
            continue
        total += 1
        run = run + 1 if position == previous + 1 else 1
        longest = max(longest, run)
        previous = position
    return total, longest


def recount(*, employee_ids: list[int], years: set[int], notify: bool = True) -> list[AbsenceNotice]:
    """Recount the people's counters for `years`; a new, higher threshold creates a notice."""
    notices: list[AbsenceNotice] = []
    for year in sorted(years):
        index = _working_index(year)
        days = unexcused_days(employee_ids, year)
        for chunk in _chunks(employee_ids):
            people = {pk: (unit_id, path, etype, boss) for pk, unit_id, path, etype, boss in
                      Employee.objects.filter(pk__in=chunk).values_list(
                          "id", "unit_id", "unit_path", "employment_type", "superior__user_id")}
            before = {row[0]: row[1:] for row in AbsenceCounter.objects.filter(year=year, employee_id__in=chunk)
                      .values_list("employee_id", "days", "longest_run", "level", "notified_level", "unit_id")}
            previous = {eid: row[3] for eid, row in before.items()}
            counters = []
            for eid in chunk:
                if eid not in people:
                    continue
                unit_id, path, etype, boss = people[eid]
                total, longest = count_runs(days.get(eid, []), index)
                level = table.level(days_in_year=total, consecutive_working_days=longest)
                notified = previous.get(eid, 0)
                if level > notified and table.applies_to(etype):
                    found = table.threshold_for(days_in_year=total, consecutive_working_days=longest)
                    assert found is not None
                    notices.append(AbsenceNotice(employee_id=eid, unit_path=path, year=year, level=level,
                                                 sanction_code=found.sanction_code, days=total,
                                                 consecutive=longest, superior_user_id=boss))
                    notified = level
                if before.get(eid) == (total, longest, level, notified, unit_id):
                    continue  # unchanged: a re-import or a recount after an unrelated change writes nothing
                counters.append(AbsenceCounter(employee_id=eid, year=year, unit_id=unit_id, unit_path=path,
                                               days=total, longest_run=longest, level=level,
                                               notified_level=notified))
            AbsenceCounter.objects.bulk_create(
                counters, batch_size=2000, update_conflicts=True, unique_fields=["employee", "year"],
                update_fields=["unit_id", "unit_path", "days", "longest_run", "level", "notified_level"])
    if notices:
        AbsenceNotice.objects.bulk_create(notices, batch_size=2000)
        if notify:
            from marwah.leave.tasks import send_notice_emails_task

            enqueue_on_commit(send_notice_emails_task, [n.pk for n in notices if n.pk])
        # One audit row per recount: the notices themselves are the per-person record.
        record(actor=None, action="leave.threshold_crossed",
               target=("people.employee", notices[0].employee_id) if len(notices) == 1 else None,
               detail={"count": len(notices), "years": sorted(years),
                       "notices": [n.pk for n in notices[:50]],
                       "sanctions": sorted({n.sanction_code for n in notices})})
    return notices


def refresh_unit_months(*, employee_ids: list[int], first: date, last: date) -> None:
    """Recompute person-days and no-attendance days for the units of these people, month by month."""
    units: set[int] = set()
    for chunk in _chunks(employee_ids):
        units.update(Employee.objects.filter(pk__in=chunk).values_list("unit_id", flat=True))
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        rows = []
        for chunk in _chunks(sorted(units), 1000):
            for unit_id, path, n, absent in (
                    Attendance.objects.filter(day__gte=month, day__lt=following, employee__unit_id__in=chunk)
                    .values_list("employee__unit_id", "employee__unit_path")
                    .annotate(n=Count("id"), absent=Count("id", filter=Q(status=DayStatus.ABSENT)))
                    .order_by()):
                rows.append(UnitMonth(unit_id=unit_id, unit_path=path, month=month, person_days=n,
                                      absent_days=absent))
        UnitMonth.objects.bulk_create(rows, batch_size=2000, update_conflicts=True,
                                      unique_fields=["unit_id", "month"],
                                      update_fields=["unit_path", "person_days", "absent_days"])
        month = following


# --- The superior's examination ------------------------------------------------------------------------------


@transaction.atomic
def open_case(*, actor: User, notice: AbsenceNotice) -> str:
    """One click: a discipline case (kind d_absence) for the superior and HR, through case handling."""
    from marwah.cases.receivers import LEAD_FILER
    from marwah.reporting.services import Submission, submit_report
    from marwah.rules.sanctions import SANCTIONS
    from marwah.rules.violations import DISCIPLINE

    notice = AbsenceNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.case_public_id:
        return notice.case_public_id
    employee = Employee.objects.select_related("institution", "unit").get(pk=notice.employee_id)
    sanction = SANCTIONS[notice.sanction_code]
    narrative = _("Marwah counted %(days)s working days without attendance and without written permission in "
                  "%(year)s (longest run: %(run)s consecutive working days). Suggested sanction: %(sanction)s "
                  "(%(citation)s). The direct superior must examine it (%(duty)s).") % {
        "days": notice.days, "year": notice.year, "run": notice.consecutive, "sanction": sanction.label,
        "citation": sanction.citation, "duty": table.SUPERIOR_MUST_EXAMINE.citation}
    submission = Submission(category=DISCIPLINE, kind="d_absence", institution=employee.institution,
                            unit=employee.unit, narrative=narrative, accused=[employee], accused_text=employee.name,
                            is_anonymous=False, reporter_user=actor, reporter_source=f"user:{actor.pk}")
    token = LEAD_FILER.set(actor)
    try:
        report, _receipt = submit_report(submission=submission)
    finally:
        LEAD_FILER.reset(token)
    notice.case_public_id, notice.opened_by, notice.opened_at = report.public_id, actor, timezone.now()
    notice.save(update_fields=["case_public_id", "opened_by", "opened_at"])
    record(actor=actor, action="leave.case_opened", target=("people.employee", employee.pk), unit=employee.unit_id,
           detail={"notice": notice.pk, "sanction": notice.sanction_code})
    return str(report.public_id)


# --- Pending imports: checked rows wait in a private file between preview and confirm ------------------


def _pending_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def save_pending(rows: list[Row]) -> str:
    token = secrets.token_urlsafe(18)
    fd = os.open(_pending_dir() / f"att-{token}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="") as handle:
        writer = csv.writer(handle)
        for eid, day, present, cin, cout in rows:
            writer.writerow([eid, day.isoformat(), 1 if present else 0, cin.isoformat() if cin else "",
                             cout.isoformat() if cout else ""])
    return token


def load_pending(token: str) -> list[Row] | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _pending_dir() / f"att-{token}.csv"
    if not path.exists():
        return None
    out: list[Row] = []
    for eid, day, present, cin, cout in csv.reader(io.StringIO(path.read_text())):
        out.append((int(eid), date.fromisoformat(day), present == "1",
                    time.fromisoformat(cin) if cin else None, time.fromisoformat(cout) if cout else None))
    return out


def drop_pending(token: str) -> None:
    (_pending_dir() / f"att-{token}.csv").unlink(missing_ok=True)
