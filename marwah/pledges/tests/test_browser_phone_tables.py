"""At 360 px the campaign's sub-unit table is readable (cards), and no column hides off-screen."""

from __future__ import annotations

import pytest

from conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_campaign_sub_units_as_cards_on_a_phone(tree, people, pact, launch, new_page):
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    page = new_page(phone=True)
    browser_login(page, people.admin)
    page.goto(f"/ikrar/kampanye/{campaign.pk}/")
    table = page.locator("table.cards-sm")
    table.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The % and "not signed" figures are on screen, each named.
    cell = table.locator("td[data-label='%']").first
    box = cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    screenshot(page, "pledges-campaign-units-phone")
