"""Automated accessibility check (axe-core 4.14, MPL-2.0, vendored for tests only) of the pages
people use most, at phone width, in Bahasa Indonesia. Serious and critical findings fail."""

from pathlib import Path

import pytest

from conftest import browser_login

pytestmark = pytest.mark.browser
IMPACTS = ("moderate", "serious", "critical")
AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()


def _violations(page) -> list[str]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline
    # <script> tag would be refused, rightly).
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE}\n }}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} — {v['help']}"
            for v in result["violations"] if v["impact"] in IMPACTS]


PUBLIC = ["/akun/masuk/", "/lapor/", "/lapor/kembali/", "/akun/sandi/lupa/"]


def test_public_pages(new_page, db):
    page = new_page(phone=True)
    found = {}
    for path in PUBLIC:
        page.goto(path)
        found[path] = _violations(page)
    assert found == {p: [] for p in PUBLIC}


def test_report_form(new_page, tree):
    page = new_page(phone=True)
    page.goto("/lapor/")
    page.locator("main a.btn").first.click()
    assert _violations(page) == []


def test_staff_pages(new_page, people, tree):
    page = new_page(phone=True)
    browser_login(page, people.leader_jateng)
    found = {}
    for path in ["/", f"/unit/{tree.jateng.pk}/", "/pegawai/", "/ikrar/", "/akun/profil/"]:
        page.goto(path)
        found[path] = _violations(page)
    assert all(not v for v in found.values()), found
