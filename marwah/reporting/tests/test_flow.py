"""An anonymous report end to end through the real views, and the public pages."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from marwah.audit.models import AuditEntry
from marwah.reporting import selectors
from marwah.reporting.models import Evidence, Message, Report
from marwah.reporting.tests.conftest import jpeg_with_gps, png_bytes, report_data, submit
from marwah.rules import violations

pytestmark = pytest.mark.django_db



def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

def test_landing_lists_every_category_and_says_who_reads(client):
    page = client.get(reverse("reporting:start")).content.decode()
    for category in violations.CATEGORIES:
        assert reverse("reporting:form", args=[category]) in page
    assert "16" in page and "Satgas PKS" in page


@pytest.mark.parametrize("category", list(violations.CATEGORIES))
def test_form_page_shows_the_kinds_of_its_category(client, tree, category):
    page = client.get(reverse("reporting:form", args=[category])).content.decode()
    for kind in violations.kinds_for(category):
        assert f'value="{kind.code}"' in page
    assert client.get(reverse("reporting:form", args=["nope"])).status_code == 404


def test_readers_names_the_provincial_satgas_for_a_regency(client, tree):
    page = client.get(reverse("reporting:readers"), {"category": "sexual_violence", "unit": tree.grobogan.pk})
    assert "Satgas PKS" in page.content.decode() and "KPU Provinsi Jawa Tengah" in page.content.decode()
    page = client.get(reverse("reporting:readers"), {"category": "sexual_violence", "unit": tree.jateng.pk})
    assert "KPU RI" in page.content.decode()


def test_anonymous_report_end_to_end(tree, people, handlers, bambang, unlocked, monkeypatch):
    reporter = Client()
    assert reporter.get(reverse("reporting:form", args=["sexual_violence"])).status_code == 200
    data = report_data(tree, accused=[str(bambang.pk)])
    data["files"] = [SimpleUploadedFile("layar.png", png_bytes(), content_type="image/png")]
    response = reporter.post(reverse("reporting:form", args=["sexual_violence"]), data)
    assert response.status_code == 302
    receipt_page = reporter.get(reverse("reporting:receipt"))
    digits = re.search(r'class="rp-receipt"[^>]*>([\d ]+)<', receipt_page.content.decode()).group(1).replace(" ", "")
    assert receipt_page["Cache-Control"] == "no-store" or "no-store" in receipt_page["Cache-Control"]
    # Shown once only.
    assert reporter.get(reverse("reporting:receipt")).status_code == 302
    report = Report.objects.get()
    assert report.is_anonymous and report.category == "sexual_violence" and report.evidence_count == 1
    assert digits not in report.receipt_lookup

    # The reporter comes back on another device with the receipt.
    device = Client()
    response = device.post(reverse("reporting:return"), {"receipt": " ".join([digits[:4], digits[4:]])})
    assert response.status_code == 302 and response["Location"] == reverse("reporting:my_report")
    page = device.get(reverse("reporting:my_report")).content.decode()
    assert "Atasan saya mengirim pesan bernada seksual." in page
    assert "layar.png" in page

    # The handler reads the report and asks a question.
    mey = unlocked(handlers.mey)
    content = mey.get(reverse("reporting_staff:content", args=[report.public_id])).content.decode()
    assert "Bambang Sutrisno" in content and "layar.png" in content
    response = mey.post(reverse("reporting_staff:conversation", args=[report.public_id]),
                        {"text": "Apakah Anda menyimpan tangkapan layarnya?"})
    assert response.status_code == 200
    assert "Apakah Anda menyimpan" in response.content.decode()

    # The reporter sees it, answers, and adds evidence.
    page = device.get(reverse("reporting:my_report")).content.decode()
    assert "Apakah Anda menyimpan tangkapan layarnya?" in page
    response = device.post(reverse("reporting:my_report"), {
        "text": "Ya, saya lampirkan.",
        "files": [SimpleUploadedFile("pesan.jpg", jpeg_with_gps(), content_type="image/jpeg")]})
    assert response.status_code == 302
    thread = mey.get(reverse("reporting_staff:conversation", args=[report.public_id])).content.decode()
    assert "Ya, saya lampirkan." in thread and "pesan.jpg" in thread
    assert Message.objects.filter(report=report).count() == 2
    assert Evidence.objects.filter(report=report).count() == 2

    # The decision is visible to the reporter.
    status = SimpleNamespace(status="closed", status_label="Selesai", steps=[("Diterima", report.submitted_at)],
                             rejection_reason="", decision_summary="Terbukti: sanksi teguran tertulis.",
                             next_step_text="")
    monkeypatch.setattr(selectors, "public_status", lambda r, key: status)
    page = device.get(reverse("reporting:my_report")).content.decode()
    assert "Terbukti: sanksi teguran tertulis." in page

    # Every staff read is audited; audit details hold no content.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"reporting.report_submitted", "reporting.report_opened", "reporting.staff_message",
            "reporting.reporter_message", "reporting.conversation_read"} <= actions
    details = " ".join(str(d) for d in AuditEntry.objects.values_list("detail", flat=True))
    assert "Atasan" not in details and "Bambang" not in details


def test_bad_file_is_refused_and_everything_else_is_kept(client, tree, handlers):
    url = reverse("reporting:form", args=["sexual_violence"])
    data = report_data(tree, narrative="Cerita yang tidak boleh hilang.")
    data["files"] = [SimpleUploadedFile("surat.pdf", blank_pdf(), "application/pdf"),
                     SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 this is a program", "image/jpeg")]
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "foto.jpg" in page and "bukan jenis berkas" in page.lower() or "not a file type" in page
    assert "Cerita yang tidak boleh hilang." in page
    assert "surat.pdf" in page  # the good file stays attached to the draft
    assert not Report.objects.exists()
    # Send again without choosing files: the staged PDF goes with the report.
    submit(client, tree, narrative="Cerita yang tidak boleh hilang.")
    report = Report.objects.get()
    assert [e.content_type for e in Evidence.objects.filter(report=report)] == ["application/pdf"]


def test_missing_narrative_keeps_the_staged_file_and_other_fields(client, tree):
    url = reverse("reporting:form", args=["neutrality"])
    data = report_data(tree, kind="", narrative="", when_text="Kemarin sore")
    data["files"] = [SimpleUploadedFile("bukti.png", png_bytes(), "image/png")]
    page = client.post(url, data).content.decode()
    assert "Kemarin sore" in page and "bukti.png" in page
    assert "Please tell us" in page or "Ceritakan" in page


def test_exif_and_gps_are_stripped(tree, handlers, unlocked):
    client = Client()
    data = report_data(tree)
    data["files"] = [SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")]
    assert client.post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    report = Report.objects.get()
    evidence = Evidence.objects.get(report=report)
    response = unlocked(handlers.mey).get(reverse("reporting_staff:evidence", args=[report.public_id, evidence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    body = response.content
    img = Image.open(io.BytesIO(body))
    assert img.size == (64, 48)
    assert len(img.getexif()) == 0
    assert b"Exif" not in body and b"SecretPhone" not in body and b"PhoneMaker" not in body
    assert "attachment" in response["Content-Disposition"]


def test_wrong_receipt_gives_a_clear_message(client, tree):
    response = client.post(reverse("reporting:return"), {"receipt": "1234 5678 9012 3456"})
    assert response.status_code == 400
    assert "16" in response.content.decode()
    response = client.post(reverse("reporting:return"), {"receipt": "12ab"})
    assert response.status_code == 400


def test_receipt_guessing_is_rate_limited(client, tree):
    digits = submit(Client(), tree)
    for i in range(10):
        assert client.post(reverse("reporting:return"), {"receipt": f"{i:016d}"}).status_code == 400
    response = client.post(reverse("reporting:return"), {"receipt": digits})
    assert response.status_code == 429  # even the right receipt waits once the limit is reached
    assert "wait" in response.content.decode().lower() or "tunggu" in response.content.decode().lower()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(reverse("reporting:return"), {"receipt": digits}).status_code == 302


def test_my_report_without_receipt_goes_to_the_return_page(client):
    response = client.get(reverse("reporting:my_report"))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:return")


def test_leaving_forgets_the_report_in_this_session(client, tree):
    digits = submit(client, tree)
    client.post(reverse("reporting:return"), {"receipt": digits})
    assert client.get(reverse("reporting:my_report")).status_code == 200
    client.post(reverse("reporting:return_logout"))
    assert client.get(reverse("reporting:my_report")).status_code == 302


def test_people_search_shows_minimal_information_and_is_rate_limited(client, tree, bambang, settings):
    url = reverse("reporting:people_search")
    page = client.get(url, {"q": "bam", "institution": tree.kpu.pk, "unit": tree.grobogan.pk}).content.decode()
    assert "Bambang Sutrisno" in page and "Kasubbag Teknis" in page and "KPU Kabupaten Grobogan" in page
    assert bambang.nip not in page
    assert "Bambang" not in client.get(url, {"q": "ba", "institution": tree.kpu.pk}).content.decode()
    settings.MARWAH_PEOPLE_RATE = "3/m"
    codes = [Client(REMOTE_ADDR="10.1.1.1").get(url, {"q": "bam", "institution": tree.kpu.pk}).status_code
             for _ in range(4)]
    assert codes[-1] == 429


def test_unit_search_filters_by_institution_and_words(client, tree):
    url = reverse("reporting:unit_search")
    page = client.get(url, {"institution": tree.kpu.pk, "q": "grobogan"}).content.decode()
    assert "KPU Kabupaten Grobogan" in page and "Surabaya" not in page
    page = client.get(url, {"institution": tree.ministry.pk, "q": "grobogan"}).content.decode()
    assert "Grobogan" not in page


def test_named_report_by_an_outsider_requires_name_and_contact(client, tree):
    url = reverse("reporting:form", args=["ethics"])
    response = client.post(url, report_data(tree, kind="e_partisan_meeting", identity_mode="named"))
    assert response.status_code == 400
    assert not Report.objects.exists()
    submit(client, tree, "ethics", kind="e_partisan_meeting", identity_mode="named",
           reporter_name="Warga Peduli", reporter_contact="warga@example.org")
    report = Report.objects.get()
    assert not report.is_anonymous and "Warga" not in report.identity


def test_kind_of_another_category_is_refused(client, tree):
    response = client.post(reverse("reporting:form", args=["neutrality"]), report_data(tree, kind="sv_physical"))
    assert response.status_code == 400 and not Report.objects.exists()


# Ids typed by the visitor: "²" passes str.isdigit() but not int(), and 30 digits overflow SQLite.
ODD_IDS = ["²", "٣x", "9" * 30, "-5", "0", ""]


@pytest.mark.parametrize("odd", ODD_IDS)
def test_pickers_take_odd_ids_calmly(client, tree, odd):
    for name, params in [("unit_search", {"institution": odd, "q": "grobogan"}),
                         ("people_search", {"institution": odd, "unit": odd, "q": "bam"}),
                         ("readers", {"category": "sexual_violence", "unit": odd})]:
        assert client.get(reverse(f"reporting:{name}"), params).status_code == 200, name


@pytest.mark.parametrize("odd", ODD_IDS)
def test_report_form_with_an_odd_office_asks_for_the_office(client, tree, odd):
    response = client.post(reverse("reporting:form", args=["sexual_violence"]), report_data(tree, unit=odd))
    assert response.status_code == 400
    assert "Silakan pilih kantor tempat kejadian." in response.content.decode()
    assert not Report.objects.exists()


def test_report_form_with_an_office_of_another_institution_asks_for_the_office(client, tree):
    response = client.post(reverse("reporting:form", args=["sexual_violence"]),
                           report_data(tree, unit=str(tree.hq.pk)))
    assert response.status_code == 400
    assert "Silakan pilih kantor tempat kejadian." in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("odd", ["²", "9" * 30])
def test_report_form_with_an_odd_institution_or_person_is_no_server_error(client, tree, bambang, odd):
    response = client.post(reverse("reporting:form", args=["sexual_violence"]),
                           report_data(tree, institution=odd))
    assert response.status_code == 400
    submit(client, tree, accused=[odd, str(bambang.pk)])
    assert Report.objects.count() == 1
