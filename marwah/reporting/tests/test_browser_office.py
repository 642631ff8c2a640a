"""On a phone: an office chosen while another search loads is kept; searching works before the institution."""

from __future__ import annotations

import pytest

from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_choice_survives_a_later_search(new_page, tree, people):
    page = new_page(phone=True)
    page.goto("/lapor/kirim/sexual_violence/")
    page.fill("#unit-q", "Grobogan")  # no institution chosen yet
    radio = page.locator(f"#unit-results input[value='{tree.grobogan.pk}']")
    radio.wait_for()
    radio.check()
    assert page.input_value("#id_institution") == str(tree.kpu.pk)
    page.fill("#unit-q", "Surabaya")  # a later search replaces the list
    page.wait_for_selector(f"#unit-results input[value='{tree.surabaya.pk}']")
    page.wait_for_timeout(300)
    assert page.locator(f"#unit-results input[value='{tree.grobogan.pk}']").is_checked()
    screenshot(page, "reporting-office-kept-phone")
