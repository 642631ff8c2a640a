"""Journeys 1–2 in a real browser: an anonymous sexual-violence report from a phone, handled by
the provincial Satgas chair to a decision with a letter."""

from __future__ import annotations

import re

import pytest

from conftest import browser_login, screenshot
from marwah.cases.models import Case
from marwah.cases.tests.conftest import emp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_report_handled_to_a_decision(new_page, people, tree, kpu):
    # Mey logs in first: her key pair is made at login, so the report key can be sealed to her.
    staff = new_page()
    browser_login(staff, people.satgas_jateng)

    phone = new_page(phone=True)
    phone.goto("/lapor/kirim/sexual_violence/")
    phone.check("input[name=kind][value=sv_electronic]")
    phone.fill("#id_narrative", "Atasan saya mengirim pesan bernada seksual pada malam hari. PENANDA-UJI-77")
    phone.select_option("#id_institution", str(tree.kpu.pk))
    phone.fill("#unit-q", "Grobogan")
    unit_radio = f"#unit-results input[name=unit][value='{tree.grobogan.pk}']"
    phone.wait_for_selector(unit_radio)
    phone.wait_for_timeout(600)  # let the debounced search settle before choosing
    phone.check(unit_radio)
    phone.wait_for_load_state("networkidle")
    assert phone.is_checked(unit_radio)
    phone.check("input[name=identity_mode][value=anonymous]")
    screenshot(phone, "cases-01-phone-report-form")
    phone.click("main .actions button[type=submit]")
    phone.wait_for_url(re.compile(r"/lapor/terkirim/"))
    screenshot(phone, "cases-02-phone-receipt")
    assert re.search(r"\d{4}", phone.inner_text(".rp-receipt"))

    case = Case.objects.get()
    assert case.handling_unit == tree.jateng
    staff.goto("/kasus/")
    staff.wait_for_selector(f"text={case.reference}")  # the human case number (issue 9.15)
    screenshot(staff, "cases-03-inbox")
    staff.click(f"text={case.reference}")
    staff.wait_for_selector("text=PENANDA-UJI-77")  # decrypted for the team only
    screenshot(staff, "cases-04-case-page")
    staff.click("button:has-text('Tandai terverifikasi')")
    staff.click("button:has-text('Mulai pemeriksaan')")
    staff.click("#protection summary:has-text('Catat rujukan')")
    staff.select_option("#protection form[action$='rujukan/'] select[name=kind]", "psychologist")
    staff.fill("#protection form[action$='rujukan/'] input[name=organisation]", "UPTD PPA Jawa Tengah")
    staff.click("#protection form[action$='rujukan/'] button[type=submit]")
    staff.wait_for_selector("text=UPTD PPA Jawa Tengah")
    staff.check("input[name=outcome][value=proven]")
    staff.check("input[name=sanctions][value=pp94_demotion]")
    staff.fill("textarea[name=summary]", "Laporan terbukti. Sanksi direkomendasikan kepada PPK.")
    screenshot(staff, "cases-05-decision-form")
    staff.click("#decision button[type=submit]")
    staff.wait_for_selector("text=Unduh surat keputusan (PDF)")
    screenshot(staff, "cases-06-decided")
    with staff.expect_download() as dl:
        staff.click("text=Unduh surat keputusan (PDF)")
    assert dl.value.suggested_filename.endswith(".pdf")
    case.refresh_from_db()
    assert case.status == "decision"
    staff.set_viewport_size({"width": 360, "height": 740})  # Mey on her phone (same session)
    staff.goto(f"/kasus/{case.public_id}/")
    staff.wait_for_selector("text=PENANDA-UJI-77")
    screenshot(staff, "cases-07-phone-case-page")
    # The accused's own manager (Heru) and the accused never see it.
    assert emp(kpu.bambang).user_id not in set(case.members.values_list("user_id", flat=True))
