"""The regulation catalog on a phone and a desktop; an administrator sets the institution's value."""

from __future__ import annotations

import pytest

from conftest import browser_login, screenshot
from marwah.rules.models import RuleOverride

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_catalog_on_phone_and_override_on_desktop(tree, people, new_page):
    page = new_page(phone=True)
    browser_login(page, people.auditor)
    page.goto("/aturan/?area=sanctions&mark=unconfirmed")
    page.wait_for_selector("li.rule")
    assert "Belum terkonfirmasi" in page.inner_text("main")
    screenshot(page, "rules-phone-unconfirmed")
    wide = page.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 362)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right))""")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, wide  # nothing wider than the phone

    desk = new_page()
    browser_login(desk, people.admin)
    desk.goto("/aturan/ubah/sanctions.neutrality_tier.n_attend_campaign/")
    desk.check("input[name=tier][value=berat]")
    desk.fill("#id_note", "Keputusan Sekjen KPU No. 12/2026")
    desk.click("main button[type=submit]:not([name=reset])")
    desk.wait_for_selector("li.rule")
    assert RuleOverride.objects.filter(key="sanctions.neutrality_tier.n_attend_campaign").exists()
    desk.goto("/aturan/?area=sanctions#sanctions.neutrality_tier.n_attend_campaign")
    assert "Keputusan Sekjen KPU No. 12/2026" in desk.inner_text("main")
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.locator('[data-rule="sanctions.neutrality_tier.n_attend_campaign"]').screenshot(
        path=str(screenshot(desk, "rules-desktop-sanctions").with_name("rules-desktop-override.png")))
