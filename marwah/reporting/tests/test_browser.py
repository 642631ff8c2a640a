"""A phone-sized anonymous sexual-violence report in a real browser (screenshots saved)."""

from __future__ import annotations

import pytest

from conftest import screenshot
from marwah.reporting.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_report_with_unit_and_person_pickers(new_page, tree, people, handlers, bambang):
    page = new_page(phone=True)
    page.goto("/lapor/")
    screenshot(page, "reporting-landing-phone")
    page.click("a[href='/lapor/kirim/sexual_violence/']")
    page.check("input[value=sv_electronic]")
    page.fill("#id_narrative", "Atasan saya mengirim pesan bernada seksual lewat WhatsApp.")
    page.select_option("#id_institution", str(tree.kpu.pk))
    page.fill("#unit-q", "Grobogan")
    page.wait_for_selector("#unit-results label:has-text('Grobogan')")
    page.wait_for_timeout(400)  # let the last search settle before choosing
    page.check("#unit-results label:has-text('Grobogan') input")
    page.wait_for_selector("#readers strong")
    page.fill("#accused-q", "Bamb")
    page.click("#accused-results button.rp-pick")
    assert page.locator("#chips-accused input[name=accused]").count() == 1
    screenshot(page, "reporting-form-phone")
    page.click("button[type=submit]:has-text('Kirim laporan')")
    page.wait_for_load_state()
    if not page.locator(".rp-receipt").count():
        screenshot(page, "reporting-form-error-phone")
        print(page.locator("[role=alert]").all_inner_texts())
    page.wait_for_selector(".rp-receipt")
    screenshot(page, "reporting-receipt-phone")
    assert Report.objects.count() == 1
