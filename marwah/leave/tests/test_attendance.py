"""Attendance import (good, bad, re-import), HR's manual marks, thresholds, the superior's notice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marwah.audit.models import AuditEntry
from marwah.leave.models import AbsenceCounter, AbsenceNotice, Attendance, Request, Status, UnitMonth
from marwah.rules import absence as table
from marwah.worktime.services import is_working_day

pytestmark = pytest.mark.django_db


def _nip(user) -> str:
    return user.employee.nip


def _csv(rows: list[tuple[str, str, str, str, str]]) -> SimpleUploadedFile:
    lines = ["nip,tanggal,jam_masuk,jam_pulang,status"] + [",".join(r) for r in rows]
    return SimpleUploadedFile("presensi.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def _import(client, unit, rows, apply: bool = True):
    preview = client.post(reverse("leave:import"), {"unit": unit.pk, "file": _csv(rows)})
    if preview.status_code != 200 or not apply:
        return preview
    return client.post(reverse("leave:import_apply"))


def _days(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def _month_rows(user, absent: set[date], first=date(2026, 11, 2), last=date(2026, 11, 30)):
    return [(_nip(user), d.isoformat(), "" if d in absent else "07:31", "" if d in absent else "16:02",
             "A" if d in absent else "H") for d in _days(first, last)]


def test_import_good_then_reimport_is_idempotent(tree, office, holidays, as_user):
    hr = as_user(office.hr)
    absent = {date(2026, 11, 3), date(2026, 11, 4)}
    rows = _month_rows(office.staff, absent) + _month_rows(office.colleague, set())
    rows = [r for r in rows if not (r[0] == _nip(office.colleague) and r[1] == "2026-11-05")]  # a missing day
    preview = hr.post(reverse("leave:import"), {"unit": tree.grobogan.pk, "file": _csv(rows)})
    assert preview.status_code == 200 and "Impor sekarang" in preview.content.decode()
    assert not Attendance.objects.exists()  # the preview writes nothing
    assert hr.post(reverse("leave:import_apply")).status_code == 302
    working = len(_days(date(2026, 11, 2), date(2026, 11, 30)))
    assert working == 20  # 21 weekdays less the 13th (a holiday)
    assert Attendance.objects.count() == 2 * working  # the colleague's missing day is filled as absent
    staff = AbsenceCounter.objects.get(employee=office.staff_emp, year=2026)
    colleague = AbsenceCounter.objects.get(employee=office.colleague_emp, year=2026)
    assert (staff.days, staff.longest_run, colleague.days) == (2, 2, 1)
    month = UnitMonth.objects.get(unit_id=tree.grobogan.pk, month=date(2026, 11, 1))
    assert (month.person_days, month.absent_days) == (2 * working, 3)

    again = _import(hr, tree.grobogan, rows)
    assert again.status_code == 302
    assert Attendance.objects.count() == 2 * working
    assert AbsenceCounter.objects.get(employee=office.staff_emp, year=2026).days == 2
    assert AuditEntry.objects.filter(action="leave.attendance_imported").count() == 2


def test_bad_file_imports_nothing_and_names_rows(tree, office, holidays, as_user, people):
    hr = as_user(office.hr)
    rows = _month_rows(office.staff, set())[:3] + [
        ("199999999999999999", "2026-11-05", "07:30", "16:00", "H"),  # unknown NIP
        (_nip(office.staff), "31/02/2026", "07:30", "16:00", "H"),  # no such date
        (_nip(office.staff), "2026-11-02", "07:30", "16:00", "H"),  # duplicate of row 2
        (_nip(office.staff), "2026-11-06", "7.3x", "16:00", "H"),  # bad time
        (_nip(people.outsider), "2026-11-06", "07:30", "16:00", "H"),  # not in the importer's units
        (_nip(office.staff), "2099-01-05", "07:30", "16:00", "H"),  # future
    ]
    response = _import(as_user(office.hr), tree.grobogan, rows)
    body = response.content.decode()
    assert response.status_code == 400
    assert "6 baris bermasalah" in body and "baris 5" in body and "baris 7" in body and "baris 2" in body
    assert "Impor sekarang" not in body
    assert not Attendance.objects.exists()
    assert hr.post(reverse("leave:import_apply")).status_code == 302  # nothing pending: a message, no import
    assert not Attendance.objects.exists()
    missing = hr.post(reverse("leave:import"), {"unit": tree.grobogan.pk,
                                                "file": SimpleUploadedFile("x.csv", b"nama,jam\nA,1\n")})
    assert "tanggal" in missing.content.decode() and not Attendance.objects.exists()


def test_import_is_for_hr_in_scope(tree, office, as_user, people):
    assert as_user(office.staff).post(reverse("leave:import"), {}).status_code == 403
    outsider_hr = as_user(people.outsider)
    assert outsider_hr.get(reverse("leave:import")).status_code == 403


def test_hr_marks_a_day_and_reimport_keeps_it(tree, office, holidays, as_user):
    hr = as_user(office.hr)
    rows = _month_rows(office.staff, {date(2026, 11, 3)})
    _import(hr, tree.grobogan, rows)
    assert AbsenceCounter.objects.get(employee=office.staff_emp).days == 1
    no_reason = hr.post(reverse("leave:mark"), {"ref": _nip(office.staff), "day": "2026-11-03",
                                                "status": "excused", "reason": ""})
    assert no_reason.status_code == 200 and Attendance.objects.get(day=date(2026, 11, 3),
                                                                   employee=office.staff_emp).status == "absent"
    hr.post(reverse("leave:mark"), {"ref": _nip(office.staff), "day": "2026-11-03", "status": "excused",
                                    "reason": "Mesin presensi rusak"})
    assert AbsenceCounter.objects.get(employee=office.staff_emp).days == 0
    _import(hr, tree.grobogan, rows)
    row = Attendance.objects.get(day=date(2026, 11, 3), employee=office.staff_emp)
    assert row.status == "excused" and row.source == "manual"
    assert AuditEntry.objects.filter(action="leave.day_marked").exists()
    assert as_user(office.colleague).post(reverse("leave:mark"), {}).status_code == 403


def _absent_pattern(n: int, consecutive: bool = False) -> set[date]:
    """n working days absent, every other working day (never two in a row) unless consecutive."""
    days = _days(date(2026, 8, 3), date(2026, 11, 30))
    return set(days[:n]) if consecutive else set(days[0:2 * n:2])


@pytest.mark.parametrize("threshold", table.ABSENCE_TABLE, ids=lambda t: f"{t.days}-{t.sanction_code}")
def test_every_threshold_of_the_table(tree, office, holidays, as_user, threshold, django_capture_on_commit_callbacks):
    hr = as_user(office.hr)
    absent = _absent_pattern(threshold.days)
    rows = _month_rows(office.staff, absent, first=date(2026, 8, 3), last=date(2026, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        _import(hr, tree.grobogan, rows)
    counter = AbsenceCounter.objects.get(employee=office.staff_emp, year=2026)
    assert counter.days == threshold.days and counter.longest_run == 1
    notice = AbsenceNotice.objects.get(employee=office.staff_emp)
    assert notice.sanction_code == threshold.sanction_code
    assert notice.superior_user == office.secretary
    below = table.absence_sanction(days_in_year=threshold.days - 1, consecutive_working_days=1)
    assert below != threshold.sanction
    assert [m.to for m in mail.outbox] == [[office.secretary.email]]


def test_ten_consecutive_working_days_is_dismissal(tree, office, holidays, as_user):
    hr = as_user(office.hr)
    # 9 in a row (over a weekend) is not yet the consecutive rule.
    _import(hr, tree.grobogan, _month_rows(office.staff, _absent_pattern(9, consecutive=True),
                                           first=date(2026, 8, 3), last=date(2026, 8, 31)))
    assert AbsenceNotice.objects.get().sanction_code == "pp94_dissatisfaction"
    _import(hr, tree.grobogan, _month_rows(office.staff, _absent_pattern(10, consecutive=True),
                                           first=date(2026, 8, 3), last=date(2026, 8, 31)))
    counter = AbsenceCounter.objects.get(employee=office.staff_emp)
    assert (counter.days, counter.longest_run) == (10, 10)
    assert AbsenceNotice.objects.order_by("-pk").first().sanction_code == "pp94_pdhtaps"


def test_approved_leave_excuses_days_and_crossing_notifies_once(tree, office, holidays, as_user):
    hr = as_user(office.hr)
    absent = {date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 9)}
    rows = _month_rows(office.staff, absent)
    _import(hr, tree.grobogan, rows)
    assert AbsenceNotice.objects.count() == 1  # 3 days: oral reprimand
    _import(hr, tree.grobogan, rows)
    assert AbsenceNotice.objects.count() == 1  # re-import: no second notice
    staff = as_user(office.staff)
    staff.post(reverse("leave:new"), {"type": "sick", "start": "2026-11-09", "end": "2026-11-09",
                                      "reason": "Demam"})
    req = Request.objects.get()
    as_user(office.secretary).post(reverse("leave:decide", args=[req.pk]), {"action": "approve"})
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert AbsenceCounter.objects.get(employee=office.staff_emp).days == 2


def test_superior_notice_and_one_click_case(tree, office, holidays, as_user, people):
    hr = as_user(office.hr)
    _import(hr, tree.grobogan, _month_rows(office.staff, _absent_pattern(4), first=date(2026, 8, 3),
                                           last=date(2026, 11, 30)))
    notice = AbsenceNotice.objects.get()
    assert notice.sanction_code == "pp94_written_reprimand"
    secretary = as_user(office.secretary)
    assert "ketidakhadiran wajib Anda periksa" in secretary.get("/").content.decode()
    page = secretary.get(reverse("leave:notices"))
    body = page.content.decode()
    assert "Nur Hidayat" in body and "Pasal 26 dan Pasal 28" in body and "Teguran tertulis" in body
    # A colleague and an outsider cannot see or act on it.
    assert "Nur Hidayat" not in as_user(office.colleague).get(reverse("leave:notices")).content.decode()
    assert as_user(office.colleague).post(reverse("leave:notice_case", args=[notice.pk])).status_code == 404
    assert as_user(people.outsider).post(reverse("leave:notice_case", args=[notice.pk])).status_code == 404
    opened = secretary.post(reverse("leave:notice_case", args=[notice.pk]))
    assert opened.status_code == 302
    notice.refresh_from_db()
    assert notice.case_public_id and notice.opened_by == office.secretary
    from marwah.cases.selectors import get_case_for_user

    case = get_case_for_user(office.secretary, notice.case_public_id, audit=False)
    assert case.kind == "d_absence"
    # Again: the same case, not a second one.
    secretary.post(reverse("leave:notice_case", args=[notice.pk]))
    notice.refresh_from_db()
    assert AbsenceNotice.objects.filter(case_public_id=notice.case_public_id).count() == 1


def test_supervision_from_above(tree, office, holidays, as_user, people):
    hr = as_user(office.hr)
    _import(hr, tree.grobogan, _month_rows(office.staff, _absent_pattern(3), first=date(2026, 8, 3),
                                           last=date(2026, 11, 30)))
    leader = as_user(people.leader_jateng)
    page = leader.get(reverse("leave:supervision"))
    body = page.content.decode()
    assert page.status_code == 200 and "Nur Hidayat" in body and "Teguran lisan" in body
    assert as_user(people.outsider).get(reverse("leave:supervision") + f"?unit={tree.grobogan.pk}").status_code == 404

    from marwah.core.figures import Period
    from marwah.leave.monitoring import section

    found = section(user=people.leader_jateng, unit=tree.jateng, period=Period(date(2026, 8, 1), date(2026, 11, 30)))
    assert found is not None and found.strategy_point == 5
    figures = {f.key: f.value for f in found.figures}
    assert figures["leave.at_threshold"] == 1 and figures["leave.absence_rate"] > 0
    assert section(user=people.outsider, unit=tree.jateng, period=Period(date(2026, 8, 1), date(2026, 11, 30))) is None


def test_xlsx_export_from_e_presensi(tree, office, holidays, as_user):
    import io
    from datetime import datetime, time

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["NIP", "Tanggal", "Jam Masuk", "Jam Pulang"])
    sheet.append([_nip(office.staff), datetime(2026, 11, 2), time(7, 30), time(16, 0)])
    sheet.append([_nip(office.staff), datetime(2026, 11, 3), None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("presensi.xlsx", buffer.getvalue())
    hr = as_user(office.hr)
    assert hr.post(reverse("leave:import"), {"unit": tree.grobogan.pk, "file": upload}).status_code == 200
    assert hr.post(reverse("leave:import_apply")).status_code == 302
    statuses = dict(Attendance.objects.filter(employee=office.staff_emp).values_list("day", "status"))
    assert statuses == {date(2026, 11, 2): "present", date(2026, 11, 3): "absent"}
