"""The main pages in a real browser under the strict Content-Security-Policy: no violation.

The `new_page` fixture (conftest.py) fails any browser test whose pages logged a CSP
violation; this test walks the main pages of each kind of visitor on purpose.
"""

from __future__ import annotations

import pytest

from conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/lapor/", "/lapor/kirim/sexual_violence/", "/lapor/kembali/", "/akun/masuk/", "/akun/sandi/lupa/",
          "/verifikasi/", "/ikrar/kode/", "/halaman-tidak-ada/"]
STAFF = ["/", "/kasus/", "/ikrar/", "/ikrar/dokumen/", "/pegawai/", "/unit/", "/audit/", "/akun/profil/",
         "/akun/peran/", "/hari-kerja/"]


def _visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def test_main_pages_raise_no_csp_violation(new_page, people, tree):
    page = new_page(phone=True)
    for path in PUBLIC:
        _visit(page, path)
    # The report form's htmx pickers run under the policy too.
    page.goto("/lapor/kirim/sexual_violence/")
    page.select_option("#id_institution", str(tree.kpu.pk))
    page.fill("#unit-q", "Grobogan")
    page.wait_for_selector("#unit-results label:has-text('Grobogan')")
    screenshot(page, "csp-report-form-phone")

    staff = new_page()
    # Second-factor setup page (QR code as inline SVG) for a role that needs it.
    staff.goto("/akun/masuk/")
    staff.fill("#id_username", people.admin.username)
    staff.fill("#id_password", "rahasia-uji-123")
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/akun/2fa/atur/**")
    screenshot(staff, "csp-two-factor-setup")
    admin = new_page()
    browser_login(admin, people.admin)
    for path in STAFF:
        _visit(admin, path)
    menu = new_page(phone=True)
    browser_login(menu, people.admin)
    menu.click(".menu-toggle")  # the menu script is a static file now
    assert menu.locator("#main-nav.open").count() == 1
    assert not new_page.csp_violations


def test_an_inline_script_would_be_caught(new_page, live_server):
    """The check itself works: an inline script injected into a page is refused and reported."""
    page = new_page()
    page.goto("/lapor/")
    page.evaluate("""() => { const s = document.createElement('div');
        s.innerHTML = '<img src=x onerror="window.ran=1">'; document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran") is None
    assert any("Content Security Policy" in v for v in new_page.csp_violations)
    new_page.csp_violations.clear()  # expected here; the fixture would fail the test otherwise


def test_code_page_paints_with_its_nonced_css_and_a_style_without_the_nonce_is_blocked(new_page, live_server):
    """The one-time-code page inlines its CSS under this response's nonce: applied, no stylesheet
    request; a <style> element without the nonce (an injection) is still refused and reported."""
    page = new_page(phone=True)
    sheets: list[str] = []
    page.on("request", lambda req: sheets.append(req.url) if req.resource_type == "stylesheet" else None)
    page.goto("/ikrar/kode/")
    page.wait_for_load_state("networkidle")
    assert not sheets
    # app.css's .btn and pledges.css's #id_code rules apply (the nonce'd block was accepted).
    assert page.eval_on_selector("main button.btn", "b => getComputedStyle(b).cursor") == "pointer"
    assert page.eval_on_selector("#id_code", "i => getComputedStyle(i).textTransform") == "uppercase"
    assert not new_page.csp_violations
    page.evaluate("""() => { const s = document.createElement('style');
        s.textContent = 'h1 { display: none !important; }'; document.head.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.locator("main h1").is_visible()
    assert any("Content Security Policy" in v for v in new_page.csp_violations)
    new_page.csp_violations.clear()  # expected here; the fixture would fail the test otherwise
    screenshot(page, "kpps-code-page-inline-css-phone")
