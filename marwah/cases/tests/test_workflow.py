from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from marwah.audit.models import AuditEntry
from marwah.cases import services
from marwah.cases.models import Case, Status
from marwah.cases.selectors import public_status
from marwah.cases.tests.conftest import with_key
from marwah.cases.tests.factories import submit
from marwah.reporting import crypto
from marwah.reporting.signals import repeat_match
from marwah.rules import catalog
from marwah.worktime.services import load_holidays


@pytest.fixture
def report_key(db):
    return crypto.new_key()


@pytest.fixture
def case(people, tree, kpu, report_key):
    with_key(people.satgas_jateng)  # Mey has her key pair, so the report key is sealed to her
    return submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang], report_key=report_key).case


def test_handled_to_a_decision_with_letter(case, people, unlocked, report_key):
    client = unlocked(people.satgas_jateng)
    base = f"/kasus/{case.public_id}/"
    assert client.post(base + "status/", {"to": "verified"}).status_code == 302
    assert client.post(base + "tugaskan/", {"assignee": str(people.satgas_jateng.pk)}).status_code == 302
    assert client.post(base + "pelindungan/", {"item": "h_psychological", "provider": "UPTD PPA Grobogan",
                                               "provided_on": "2025-04-14"}).status_code == 302
    assert client.post(base + "rujukan/", {"kind": "psychologist", "organisation": "UPTD PPA Jawa Tengah",
                                           "referred_on": "2025-04-14", "state": "offered"}).status_code == 302
    assert client.post(base + "status/", {"to": "examination"}).status_code == 302
    page = client.get(base).content.decode()
    # The rights checklist (views._checklist): every right of UU TPKS, the one provided marked done.
    from django.utils.html import escape
    from django.utils.translation import override

    from marwah.rules.protection import ITEMS
    with override("id"):
        labels = {code: escape(str(item.label)) for code, item in ITEMS.items()}
    assert page.count('<ul class="checklist">') == 3 and page.count('<li class="done">') == 1
    assert f'<li class="done">{labels["h_psychological"]}</li>' in page
    assert all(f"<li>{label}</li>" in page for code, label in labels.items() if code != "h_psychological")
    assert "Pasal 67 dan Pasal 69" in page
    assert "pp94_demotion" in page  # suggested sanctions pre-ticked / listed with citations
    assert "PP No. 94 Tahun 2021" in page
    response = client.post(base + "putusan/", {"outcome": "proven", "sanctions": ["pp94_demotion"],
                                                "summary": "Terbukti. Sanksi direkomendasikan kepada PPK."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DECISION
    pdf = client.get(base + "surat.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "TERBUKTI" in text and "Penurunan jabatan setingkat lebih rendah" in text
    assert "PP No. 94 Tahun 2021" in text and case.reference in text  # the human case number (issue 9.15)
    assert "Terbukti. Sanksi direkomendasikan kepada PPK." in text  # decrypted for the letter
    # Issue 9.8: one page (the footer no longer spills), signed, and /verifikasi/ confirms it.
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    decision = case.decision
    assert decision.verify_code and decision.verify_code in text
    assert decision.catalog_version.startswith(catalog.CATALOG_EDITION) and "pp94_demotion" in decision.suggested
    public = Client()
    detail = public.get(f"/verifikasi/{decision.verify_code}/").content.decode()
    assert case.reference in detail and decision.letter_number in detail and "Rina" not in detail
    check = public.post("/verifikasi/", {"pdf": SimpleUploadedFile("surat.pdf", pdf.content, "application/pdf")})
    assert 'data-result="valid"' in check.content.decode()
    tampered = pdf.content.replace(b"TERBUKTI", b"TERBUKTX", 1)
    check = public.post("/verifikasi/", {"pdf": SimpleUploadedFile("surat.pdf", tampered + b"\n", "application/pdf")})
    assert 'data-result="invalid"' in check.content.decode()
    assert "Rina" not in text
    assert AuditEntry.objects.filter(action="case.letter_downloaded", actor_id=people.satgas_jateng.pk).exists()
    assert "Terbukti. Sanksi direkomendasikan" in client.get(base).content.decode()
    status = public_status(case.report, report_key=report_key)  # the reporter's receipt-opened key
    assert status.status == "decision" and "Terbukti" in status.decision_summary
    assert [str(s[0]) for s in status.steps][:2] == [str(Status.RECEIVED.label), str(Status.VERIFIED.label)]
    assert client.post(base + "status/", {"to": "follow_up"}).status_code == 302
    assert client.post(base + "status/", {"to": "closed"}).status_code == 302
    case.refresh_from_db()
    assert case.closed_at and case.expires_at > case.closed_at


@pytest.mark.parametrize(("employment_type", "expected"), [
    ("ad_hoc", ["rehabilitation"]), ("commissioner", ["rehabilitation"]),
    ("pns", ["not_proven_cleared"]), ("pppk", ["not_proven_cleared"]), ("", ["not_proven_cleared"])])
def test_not_proven_rehabilitates_only_election_organizers(case, people, staff_request, employment_type, expected):
    """Issue 8, correction 5: DKPP rehabilitation for election organizers; no sanction otherwise."""
    Case.objects.filter(pk=case.pk).update(accused_employment_type=employment_type)
    case.refresh_from_db()
    services.change_status(case=case, actor=people.satgas_jateng, to="verified")
    services.change_status(case=case, actor=people.satgas_jateng, to="examination")
    decision = services.decide(case=case, actor=people.satgas_jateng, outcome="not_proven", sanctions=[],
                               summary="Tidak terbukti.", request=staff_request(people.satgas_jateng))
    assert decision.sanctions == expected
    assert decision.catalog_version.startswith(catalog.CATALOG_EDITION + "+")


def test_reject_needs_a_reason_the_reporter_sees(case, people, unlocked, report_key):
    client = unlocked(people.satgas_jateng)
    response = client.post(f"/kasus/{case.public_id}/status/", {"to": "rejected", "reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    client.post(f"/kasus/{case.public_id}/status/", {"to": "rejected", "reason": "Bukan kewenangan Satgas PKS."})
    status = public_status(case.report, report_key=report_key)
    assert status.status == "rejected" and status.rejection_reason == "Bukan kewenangan Satgas PKS."
    assert public_status(case.report, report_key=crypto.new_key()).rejection_reason != "Bukan kewenangan Satgas PKS."


def test_impossible_step_is_refused_kindly(case, people, as_user):
    client = as_user(people.satgas_jateng)
    response = client.post(f"/kasus/{case.public_id}/status/", {"to": "closed"})
    assert response.status_code == 400
    assert "tidak dapat" in response.content.decode() or "not possible" in response.content.decode()


def test_bad_protection_form_keeps_input(case, people, unlocked):
    client = unlocked(people.satgas_jateng)
    response = client.post(f"/kasus/{case.public_id}/pelindungan/", {"item": "h_legal_aid",
                                                                     "provider": "LBH APIK Semarang",
                                                                     "provided_on": "kemarin"})
    assert response.status_code == 400
    assert "LBH APIK Semarang" in response.content.decode()


def test_deadline_counts_working_days_over_idul_fitri(case, db):
    load_holidays(years=[2025])
    services._start_stage(case, today=date(2025, 3, 27))
    assert case.stage == "verification" and case.stage_due == date(2025, 4, 10)


def test_admin_overrides_a_deadline(case, people, as_user):
    client = as_user(people.admin)
    assert client.get("/kasus/tenggat/").status_code == 200
    response = client.post("/kasus/tenggat/", {"category": "sexual_violence", "stage": "verification",
                                               "working_days": "2", "note": "Keputusan Ketua"})
    assert response.status_code == 302
    assert services.deadline_days("sexual_violence", "verification") == 2
    assert AuditEntry.objects.filter(action="case.deadline_policy").exists()
    for user in (people.satgas_jateng, people.employee):
        assert as_user(user).get("/kasus/tenggat/").status_code == 403


def test_reminder_then_escalation_to_the_leader(case, people, kpu, django_capture_on_commit_callbacks):
    case.stage_due = timezone.localdate() + timedelta(days=1)
    while case.stage_due.weekday() >= 5:
        case.stage_due += timedelta(days=1)
    case.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_deadlines()["reminded"] == 1
    assert {a for m in mail.outbox for a in m.to} == {"mey@example.org", "kiki@example.org",
                                                      "leader_jateng@example.org"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.check_deadlines(today=case.stage_due + timedelta(days=1))
    assert result["escalated"] == 1
    to = {a for m in mail.outbox for a in m.to}
    assert "leader_jateng@example.org" in to and "bambang@example.org" not in to
    assert all("sv_" not in m.body for m in mail.outbox)
    case.refresh_from_db()
    assert case.escalated_at is not None
    # once escalated, not again
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_deadlines(today=case.stage_due + timedelta(days=2))["escalated"] == 0


def test_deadline_command_runs(case, db):
    call_command("case_deadlines", "--no-purge")


def test_repeat_match_flags_cases_and_tells_the_chair(people, tree, kpu, django_capture_on_commit_callbacks):
    first = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang])
    second = submit(kind="sv_physical", unit=tree.grobogan, accused=[kpu.bambang])
    assert not Case.objects.filter(repeat_flag=True).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        repeat_match.send(sender=None, reports=[first, second])
    assert Case.objects.filter(repeat_flag=True).count() == 2
    assert {a for m in mail.outbox for a in m.to} == {"mey@example.org"}


def test_retention_purges_content_and_keeps_statistics(case, people, monkeypatch, staff_request):
    purged = []
    monkeypatch.setattr("marwah.reporting.services.purge_report_content",
                        lambda *, report: purged.append(report.pk))
    services.change_status(case=case, actor=people.satgas_jateng, to="rejected", reason="Di luar kewenangan.",
                           request=staff_request(people.satgas_jateng))
    assert case.__class__.objects.get(pk=case.pk).rejection_reason_enc.startswith("v1:")
    assert services.purge_expired() == 0
    case.refresh_from_db()
    assert services.purge_expired(now=case.expires_at + timedelta(seconds=1)) == 1
    case.refresh_from_db()
    assert purged == [case.report_id] and case.purged_at and case.rejection_reason_enc == ""
    assert case.category == "sexual_violence" and case.status == "rejected"
    assert not case.members.filter(is_active=True).exists()


def test_locked_session_is_sent_to_unlock_and_nothing_is_stored(case, people, as_user, staff_request):
    client = as_user(people.satgas_jateng)  # 2FA-verified, but the key was never unlocked in this session
    base = f"/kasus/{case.public_id}/"
    page = client.get(base).content.decode()
    assert 'name="provider"' not in page and 'name="summary"' not in page and reverse("keys:unlock") in page
    response = client.post(base + "status/", {"to": "rejected", "reason": "Alasan RAHASIA-TERKUNCI"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("keys:unlock"))
    for url, data in ((base + "pelindungan/", {"item": "h_legal_aid", "provider": "LBH RAHASIA-TERKUNCI",
                                                "provided_on": "2025-04-14"}),
                      (base + "rujukan/", {"kind": "psychologist", "organisation": "RAHASIA-TERKUNCI",
                                           "referred_on": "2025-04-14", "state": "offered"})):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("keys:unlock"))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.rejection_reason_enc == ""
    assert not case.protection.exists() and not case.referrals.exists()
    # Without a request (no unlocked key) the service refuses too: there is no plaintext fallback.
    from marwah.reporting.vault import ReportLocked

    with pytest.raises(ReportLocked):
        services.add_protection(case=case, actor=people.satgas_jateng, item="h_legal_aid", provider="LBH",
                                provided_on=date(2025, 4, 14))
    # With the unlocked key the same write is stored, as ciphertext.
    measure = services.add_protection(case=case, actor=people.satgas_jateng, item="h_legal_aid", provider="LBH",
                                      provided_on=date(2025, 4, 14), request=staff_request(people.satgas_jateng))
    assert measure.provider_enc.startswith("v1:") and "LBH" not in measure.provider_enc


def test_member_without_a_sealed_key_cannot_write(case, people, kpu, unlocked):
    kiki = unlocked(kpu.kiki)  # on the team, but the report key was sealed before she had a key pair
    response = kiki.post(f"/kasus/{case.public_id}/status/", {"to": "rejected", "reason": "Alasan"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("keys:unlock"))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_letter_needs_the_unlocked_key(case, people, as_user, unlocked):
    client = unlocked(people.satgas_jateng)
    base = f"/kasus/{case.public_id}/"
    client.post(base + "status/", {"to": "verified"})
    client.post(base + "status/", {"to": "examination"})
    client.post(base + "putusan/", {"outcome": "not_proven", "summary": "Tidak terbukti."})
    assert client.get(base + "surat.pdf").status_code == 200
    locked = as_user(people.satgas_jateng)
    response = locked.get(base + "surat.pdf")
    assert response.status_code == 302 and response["Location"].startswith(reverse("keys:unlock"))
