"""Issue 9.15 (human case numbers), 9.16 (no reporter on staff-logged cases), 9.11 (not a PDF)."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from marwah.audit.services import record
from marwah.cases import services
from marwah.cases.models import Case, CaseSequence
from marwah.cases.tests.conftest import with_key
from marwah.cases.tests.factories import submit
from marwah.cases.tests.test_lead import kum as lead_people
from marwah.cases.tests.test_lead import png
from marwah.people.models import Employee

kum = lead_people  # the Kemenkumham people of journey 6 (fixture)


def test_each_case_gets_a_readable_number_by_category_and_year(people, tree, kpu):
    year = timezone.localdate().year
    first = submit(kind="sv_physical", unit=tree.grobogan).case
    second = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    ethics = submit(kind="e_gift", unit=tree.grobogan).case
    assert first.reference == f"KS-{year}-000001" and second.reference == f"KS-{year}-000002"
    assert ethics.reference == f"ET-{year}-000001"
    assert first.public_id != first.reference and len(first.public_id) >= 16  # URLs keep the unguessable id
    assert CaseSequence.objects.get(prefix="KS", year=year).last == 2


@pytest.mark.django_db(transaction=True)
def test_allocation_gives_distinct_numbers_under_concurrency():
    """Threads allocating at once never share a number (SQLite serialises writers; PostgreSQL locks the row)."""
    from django.db import transaction

    out: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                for attempt in range(20):
                    try:
                        with transaction.atomic():
                            out.append(services.allocate_reference("neutrality", 2031))
                        break
                    except Exception as exc:  # SQLite "database is locked": the writer retries
                        if "locked" not in str(exc) or attempt == 19:
                            raise
                        threading.Event().wait(0.05)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(out) == 20 and len(set(out)) == 20
    assert sorted(out)[-1] == "NT-2031-000020"


def test_reference_in_inbox_case_page_and_audit_log_filter(people, tree, kpu, as_user):
    with_key(people.satgas_jateng)
    case = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang]).case
    client = as_user(people.satgas_jateng)
    assert case.reference in client.get("/kasus/").content.decode()
    assert case.reference in client.get("/kasus/", {"q": case.reference}).content.decode()
    assert case.reference in client.get(f"/kasus/{case.public_id}/").content.decode()
    assert client.get(f"/kasus/{case.reference}/").status_code == 404  # the URL needs the unguessable id
    record(actor=people.satgas_jateng, action="case.read", target=case, unit=tree.jateng)
    auditor = as_user(people.auditor)
    log = auditor.get("/audit/", {"target": case.reference})
    entries = log.context["entries"]
    assert entries and all(e.target_id == str(case.pk) for e in entries)
    assert case.reference in log.content.decode() and "cases.case #" not in log.content.decode()
    assert auditor.get("/audit/", {"target": case.public_id}).context["entries"]
    assert not auditor.get("/audit/", {"target": "KS-1999-000001"}).context["entries"]


def test_staff_logged_case_has_no_reporter_conversation_or_identity_request(people, kum, as_user):
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    client.post("/kasus/temuan-netralitas/", {"employee": nip, "text": "Memasang baliho calon.",
                                               "kind": "n_banner", "screenshot": png()})
    case = Case.objects.get()
    assert case.internal and case.reference.startswith("NT-")
    page = client.get(f"/kasus/{case.public_id}/").content.decode()
    assert 'id="conversation"' not in page
    assert "/identitas/" not in page and "Ask to see who reported" not in page


def test_reported_case_keeps_the_conversation(people, tree, kpu, as_user):
    case = submit(kind="sv_physical", unit=tree.grobogan).case
    assert not case.internal
    page = as_user(people.satgas_jateng).get(f"/kasus/{case.public_id}/").content.decode()
    assert 'id="conversation"' in page


def test_superior_sees_the_duty_to_examine(people, kum, as_user):
    client = as_user(people.neutrality)
    nip = Employee.objects.get(user=kum.staff).nip
    client.post("/kasus/temuan-netralitas/", {"employee": nip, "text": "Memasang baliho calon.", "kind": "n_banner"})
    case = Case.objects.get()
    page = as_user(kum.head).get(f"/kasus/{case.public_id}/").content.decode()
    assert "Pasal 26 ayat (1)" in page and "Pasal 28" in page


def test_an_image_uploaded_for_verification_is_told_it_is_not_a_pdf(db):
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "PNG")
    response = Client().post("/verifikasi/", {"pdf": SimpleUploadedFile("surat.png", buf.getvalue(), "image/png")})
    body = response.content.decode()
    assert 'data-reason="not-pdf"' in body and 'data-result="invalid"' in body
    assert "tanda tangan digital" not in body.lower()


def test_deadlines_count_their_kind_of_day_and_record_the_catalog(people, tree, kpu):
    """Issue 8, correction 10 and point 14: LAPOR's 14-day resolution counts calendar days; the stage
    records the catalog version its deadline came from."""
    from datetime import timedelta

    from marwah.rules import catalog

    case = submit(kind="sv_physical", unit=tree.grobogan).case
    assert case.stage_catalog_version.startswith(catalog.CATALOG_EDITION + "+")
    services.change_status(case=case, actor=people.satgas_jateng, to="verified")
    services.change_status(case=case, actor=people.satgas_jateng, to="examination")
    case.refresh_from_db()
    assert case.stage == "decision" and case.stage_due == case.stage_started + timedelta(days=14)
