"""Request → decision → signed letter, through the HTTP views; refusals for people out of scope."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marwah.audit.models import AuditEntry
from marwah.core import verify
from marwah.leave.models import Balance, Request, Status
from marwah.pledges.pdf import check_pdf

pytestmark = pytest.mark.django_db

REASON = "Menjenguk orang tua yang sakit di Ternate"


def _ask(client, **data):
    payload = {"type": "annual", "start": "2027-01-11", "end": "2027-01-13", "reason": REASON}
    payload.update(data)
    return client.post(reverse("leave:new"), payload)


def test_request_approve_letter_verifies(office, holidays, as_user, tmp_path):
    staff = as_user(office.staff)
    form = staff.get(reverse("leave:new"))
    assert form.status_code == 200 and "Cuti tahunan" in form.content.decode()
    estimate = staff.get(reverse("leave:estimate"), {"type": "annual", "start": "2027-01-11", "end": "2027-01-13"})
    # 11–13 January 2027 with the 12th a holiday: 2 working days. 2026: 12 − 1 cuti bersama = 11 unused,
    # 6 carried (the cap); 2027: 12 + 6 − 2 cuti bersama − 2 = 14.
    assert "2 hari kerja" in estimate.content.decode() and "<strong>14</strong>" in estimate.content.decode()
    response = _ask(staff)
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.status == Status.WAITING_SUPERIOR and req.working_days == 2 and req.needs_official

    assert as_user(office.colleague).get(reverse("leave:detail", args=[req.pk])).status_code == 404
    assert as_user(office.outsider).get(reverse("leave:detail", args=[req.pk])).status_code == 404
    # The chair cannot jump the superior's step.
    chair = as_user(office.chair)
    assert chair.post(reverse("leave:decide", args=[req.pk]), {"action": "approve"}).status_code == 400

    secretary = as_user(office.secretary)
    assert "menunggu keputusan tertulis Anda" in secretary.get("/").content.decode()  # home panel
    assert secretary.post(reverse("leave:decide", args=[req.pk]), {"action": "approve"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Status.WAITING_OFFICIAL
    assert chair.post(reverse("leave:decide", args=[req.pk]), {"action": "approve", "note": "Disetujui"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.verify_code and req.pdf_sha256
    assert Balance.objects.get(employee=office.staff_emp, year=2027).available == 14

    pdf = staff.get(reverse("leave:letter", args=[req.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = pdf.content
    assert hashlib.sha256(data).hexdigest() == req.pdf_sha256 and check_pdf(data).ok
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Nur Hidayat" in text and req.verify_code in text and "Ternate" not in text

    found = verify.lookup(req.verify_code)
    assert found is not None and found.holder == "Nur Hidayat" and found.status == "sah"
    assert verify.lookup_sha256(req.pdf_sha256) == found
    assert "Ternate" not in repr(found)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"leave.requested", "leave.superior_approve", "leave.official_approve"} <= actions


def test_refusal_needs_a_reason_and_is_shown(office, holidays, as_user):
    staff = as_user(office.staff)
    _ask(staff)
    req = Request.objects.get()
    secretary = as_user(office.secretary)
    page = secretary.post(reverse("leave:decide", args=[req.pk]), {"action": "refuse", "note": ""})
    assert page.status_code == 400 and "alasan" in page.content.decode().lower()
    req.refresh_from_db()
    assert req.status == Status.WAITING_SUPERIOR
    secretary.post(reverse("leave:decide", args=[req.pk]), {"action": "refuse", "note": "Tahapan pencalonan"})
    req.refresh_from_db()
    assert req.status == Status.REFUSED and not req.verify_code
    assert "Tahapan pencalonan" in staff.get(reverse("leave:detail", args=[req.pk])).content.decode()
    assert Balance.objects.get(employee=office.staff_emp, year=2027).used == 0


def test_superior_changes_dates(office, holidays, as_user):
    _ask(as_user(office.staff), end="2027-01-15")
    req = Request.objects.get()
    secretary = as_user(office.secretary)
    bad = secretary.post(reverse("leave:decide", args=[req.pk]), {"action": "change", "note": "Geser",
                                                                  "start": "2027-01-15", "end": "2027-01-14"})
    assert bad.status_code == 400
    secretary.post(reverse("leave:decide", args=[req.pk]), {"action": "change", "note": "Rapat pleno tanggal 11",
                                                            "start": "2027-01-13", "end": "2027-01-14"})
    req.refresh_from_db()
    assert (req.start, req.end, req.working_days, req.status) == (date(2027, 1, 13), date(2027, 1, 14), 2,
                                                                  Status.WAITING_OFFICIAL)


def test_delegation_lets_the_deputy_decide(office, holidays, as_user):
    _ask(as_user(office.staff))
    req = Request.objects.get()
    deputy = as_user(office.deputy)
    assert deputy.get(reverse("leave:detail", args=[req.pk])).status_code == 404
    secretary = as_user(office.secretary)
    secretary.post(reverse("leave:delegation"), {"to": "wakil", "start": "2026-01-01", "end": "2027-12-31",
                                                 "reason": "Dinas luar"})
    assert deputy.post(reverse("leave:decide", args=[req.pk]), {"action": "approve"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Status.WAITING_OFFICIAL and req.superior_decided_by == office.deputy


def test_sick_leave_proof_is_private(office, holidays, as_user):
    staff = as_user(office.staff)
    missing = _ask(staff, type="sick", start="2027-01-13", end="2027-01-14")
    assert missing.status_code == 200 and "surat keterangan dokter" in missing.content.decode().lower()
    assert not Request.objects.exists()
    proof = SimpleUploadedFile("surat-dokter.pdf", b"%PDF-1.4 dokter", content_type="application/pdf")
    assert _ask(staff, type="sick", start="2027-01-13", end="2027-01-14", proof=proof).status_code == 302
    req = Request.objects.get()
    assert not req.needs_official  # sick leave: the superior decides alone
    url = reverse("leave:proof", args=[req.pk])
    assert as_user(office.colleague).get(url).status_code == 404
    assert as_user(office.outsider).get(url).status_code == 404
    assert staff.get(url).status_code == 200
    assert as_user(office.secretary).get(url).status_code == 200
    assert as_user(office.hr).get(url).status_code == 200
    as_user(office.secretary).post(reverse("leave:decide", args=[req.pk]), {"action": "approve"})
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    # Sick leave does not reduce annual leave.
    assert not Balance.objects.filter(employee=office.staff_emp, year=2027, used__gt=0).exists()


def test_cancel_and_recall_are_recorded(office, holidays, as_user):
    staff = as_user(office.staff)
    _ask(staff, start="2027-01-13", end="2027-01-19")  # 13,14,15,18,19: 5 working days
    req = Request.objects.get()
    as_user(office.secretary).post(reverse("leave:decide", args=[req.pk]), {"action": "approve"})
    as_user(office.chair).post(reverse("leave:decide", args=[req.pk]), {"action": "approve"})
    balance = Balance.objects.get(employee=office.staff_emp, year=2027)
    assert balance.used == 5
    assert as_user(office.colleague).post(reverse("leave:recall", args=[req.pk]),
                                          {"on": "2027-01-18", "note": "x"}).status_code == 404
    as_user(office.chair).post(reverse("leave:recall", args=[req.pk]), {"on": "2027-01-18", "note": "Pleno mendadak"})
    req.refresh_from_db()
    balance.refresh_from_db()
    assert req.status == Status.RECALLED and req.effective_end == date(2027, 1, 17) and balance.used == 3
    assert verify.lookup(req.verify_code).status == "dipanggil kembali"

    _ask(staff, start="2027-02-01", end="2027-02-02")
    second = Request.objects.exclude(pk=req.pk).get()
    assert as_user(office.colleague).post(reverse("leave:cancel", args=[second.pk])).status_code == 404
    staff.post(reverse("leave:cancel", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert AuditEntry.objects.filter(action__in=["leave.recalled", "leave.cancelled"]).count() == 2


def test_permission_monthly_limit(office, holidays, as_user):
    from marwah.leave.models import PermissionType
    from marwah.leave.services import ensure_permission_types

    ensure_permission_types(office.staff_emp.institution_id)
    late = PermissionType.objects.get(institution_id=office.staff_emp.institution_id, code="not_coming")
    staff = as_user(office.staff)
    for day in ("2027-01-04", "2027-01-05"):
        assert _ask(staff, type=f"perm:{late.pk}", start=day, end=day).status_code == 302
    third = _ask(staff, type=f"perm:{late.pk}", start="2027-01-06", end="2027-01-06")
    assert third.status_code == 200 and Request.objects.count() == 2
    assert Request.objects.filter(kind="permission").count() == 2
    assert not Request.objects.first().needs_official


def test_not_enough_annual_leave(office, holidays, as_user):
    response = _ask(as_user(office.staff), start="2027-01-04", end="2027-01-29")
    assert response.status_code == 200 and "tidak cukup" in response.content.decode().lower()
    assert REASON in response.content.decode()  # nothing typed is lost


def test_hr_pages_refuse_others(office, as_user):
    for name in ("leave:balances", "leave:import", "leave:mark", "leave:permission_types"):
        assert as_user(office.staff).get(reverse(name)).status_code == 403
    assert as_user(office.staff).get(reverse("leave:supervision")).status_code == 403


def test_hr_configures_permission_types(office, as_user):
    from marwah.leave.models import PermissionType

    hr = as_user(office.hr)
    # HR's own record is at KPU RI, the same institution as the office.
    assert hr.post(reverse("leave:permission_types"), {"name": "Izin dinas luar", "max_per_month": "3",
                                                       "needs_document": "on"}).status_code == 302
    row = PermissionType.objects.get(name="Izin dinas luar")
    assert row.max_per_month == 3 and row.needs_document
    hr.post(reverse("leave:permission_type_toggle", args=[row.pk]))
    row.refresh_from_db()
    assert not row.is_active
    assert as_user(office.staff).post(reverse("leave:permission_type_toggle", args=[row.pk])).status_code == 403
    form = as_user(office.staff).get(reverse("leave:new")).content.decode()
    assert "Izin dinas luar" not in form and "Tidak masuk kerja" in form
