"""THE DUMP TEST for what handlers write: rejection reasons, decision summaries, protection and
referral details never reach the database in plaintext, yet the team and the reporter read them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marwah.cases.models import Case
from marwah.cases.tests.conftest import with_key
from marwah.reporting.models import Report
from marwah.reporting.tests.conftest import submit as submit_through_form
from marwah.reporting.tests.test_dump import dump_database, variants

MARKER = "QJWHANDLER5521rahasia"


def _reporter_page(client: Client, receipt: str) -> str:
    assert client.post(reverse("reporting:return"), {"receipt": receipt}).status_code == 302
    return client.get(reverse("reporting:my_report")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_handler_text_appears_nowhere_in_the_database(tree, people, unlocked, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with_key(people.satgas_jateng)  # the report keys are sealed to Mey at submission
    decided_reporter, rejected_reporter = Client(), Client()
    decided_receipt = submit_through_form(decided_reporter, tree)
    rejected_receipt = submit_through_form(rejected_reporter, tree, narrative="Laporan kedua.")
    decided, rejected = (Case.objects.get(report=r) for r in Report.objects.order_by("submitted_at"))

    mey = unlocked(people.satgas_jateng)
    base = f"/kasus/{decided.public_id}/"
    assert mey.post(base + "status/", {"to": "verified"}).status_code == 302
    assert mey.post(base + "pelindungan/", {"item": "h_psychological", "provider": f"Penyedia {MARKER}",
                                            "provided_on": "2025-04-14", "note": f"Catatan {MARKER}"}).status_code == 302
    assert mey.post(base + "rujukan/", {"kind": "psychologist", "organisation": f"Lembaga {MARKER}",
                                        "referred_on": "2025-04-14", "state": "offered",
                                        "note": f"Rujukan {MARKER}"}).status_code == 302
    assert mey.post(base + "status/", {"to": "examination"}).status_code == 302
    assert mey.post(base + "putusan/", {"outcome": "proven", "sanctions": ["pp94_demotion"],
                                        "summary": f"Ringkasan {MARKER}"}).status_code == 302
    assert mey.post(f"/kasus/{rejected.public_id}/status/",
                    {"to": "rejected", "reason": f"Alasan {MARKER}"}).status_code == 302

    # The team reads every text; each reporter reads theirs with the key the receipt opens.
    staff_page = mey.get(base).content.decode()
    for text in ("Penyedia", "Catatan", "Lembaga", "Rujukan", "Ringkasan"):
        assert f"{text} {MARKER}" in staff_page
    assert f"Alasan {MARKER}" in mey.get(f"/kasus/{rejected.public_id}/").content.decode()
    assert f"Ringkasan {MARKER}" in _reporter_page(decided_reporter, decided_receipt)
    rejected_page = _reporter_page(rejected_reporter, rejected_receipt)
    assert f"Alasan {MARKER}" in rejected_page and "Ringkasan" not in rejected_page

    dump = dump_database(tmp_path)
    assert decided.public_id.encode() in dump and len(dump) > 10_000  # the dump is real
    for needle in variants(MARKER):
        assert needle not in dump, f"marker found in the database dump as {needle!r}"
