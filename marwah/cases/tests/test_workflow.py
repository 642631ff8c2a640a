from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from marwah.audit.models import AuditEntry
from marwah.cases import services
from marwah.cases.models import Case, Status
from marwah.cases.selectors import public_status
from marwah.cases.tests.factories import submit
from marwah.reporting.signals import repeat_match
from marwah.worktime.services import load_holidays


@pytest.fixture
def case(people, tree, kpu):
    return submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang]).case


def test_handled_to_a_decision_with_letter(case, people, as_user):
    client = as_user(people.satgas_jateng)
    base = f"/kasus/{case.public_id}/"
    assert client.post(base + "status/", {"to": "verified"}).status_code == 302
    assert client.post(base + "tugaskan/", {"assignee": str(people.satgas_jateng.pk)}).status_code == 302
    assert client.post(base + "pelindungan/", {"item": "h_psychological", "provider": "UPTD PPA Grobogan",
                                               "provided_on": "2025-04-14"}).status_code == 302
    assert client.post(base + "rujukan/", {"kind": "psychologist", "organisation": "UPTD PPA Jawa Tengah",
                                           "referred_on": "2025-04-14", "state": "offered"}).status_code == 302
    assert client.post(base + "status/", {"to": "examination"}).status_code == 302
    page = client.get(base).content.decode()
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
    assert "PP No. 94 Tahun 2021" in text and case.public_id in text
    assert "Rina" not in text
    assert AuditEntry.objects.filter(action="case.letter_downloaded", actor_id=people.satgas_jateng.pk).exists()
    status = public_status(case.report)
    assert status.status == "decision" and "Terbukti" in status.decision_summary
    assert [str(s[0]) for s in status.steps][:2] == [str(Status.RECEIVED.label), str(Status.VERIFIED.label)]
    assert client.post(base + "status/", {"to": "follow_up"}).status_code == 302
    assert client.post(base + "status/", {"to": "closed"}).status_code == 302
    case.refresh_from_db()
    assert case.closed_at and case.expires_at > case.closed_at


def test_not_proven_means_rehabilitation(case, people):
    services.change_status(case=case, actor=people.satgas_jateng, to="verified")
    services.change_status(case=case, actor=people.satgas_jateng, to="examination")
    decision = services.decide(case=case, actor=people.satgas_jateng, outcome="not_proven", sanctions=[],
                               summary="Tidak terbukti.")
    assert decision.sanctions == ["rehabilitation"]


def test_reject_needs_a_reason_the_reporter_sees(case, people, as_user):
    client = as_user(people.satgas_jateng)
    response = client.post(f"/kasus/{case.public_id}/status/", {"to": "rejected", "reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    client.post(f"/kasus/{case.public_id}/status/", {"to": "rejected", "reason": "Bukan kewenangan Satgas PKS."})
    status = public_status(case.report)
    assert status.status == "rejected" and status.rejection_reason == "Bukan kewenangan Satgas PKS."


def test_impossible_step_is_refused_kindly(case, people, as_user):
    client = as_user(people.satgas_jateng)
    response = client.post(f"/kasus/{case.public_id}/status/", {"to": "closed"})
    assert response.status_code == 400
    assert "tidak dapat" in response.content.decode() or "not possible" in response.content.decode()


def test_bad_protection_form_keeps_input(case, people, as_user):
    client = as_user(people.satgas_jateng)
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


def test_retention_purges_content_and_keeps_statistics(case, people, monkeypatch):
    purged = []
    monkeypatch.setattr("marwah.reporting.services.purge_report_content",
                        lambda *, report: purged.append(report.pk))
    services.change_status(case=case, actor=people.satgas_jateng, to="rejected", reason="Di luar kewenangan.")
    assert services.purge_expired() == 0
    case.refresh_from_db()
    assert services.purge_expired(now=case.expires_at + timedelta(seconds=1)) == 1
    case.refresh_from_db()
    assert purged == [case.report_id] and case.purged_at and case.rejection_reason == ""
    assert case.category == "sexual_violence" and case.status == "rejected"
    assert not case.members.filter(is_active=True).exists()
