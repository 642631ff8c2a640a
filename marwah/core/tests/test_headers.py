"""Security headers on every page, and templates that a strict CSP can serve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import marwah

CSP_REQUIRED = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]


def _csp(response) -> str:
    return response.get("Content-Security-Policy", "")


@pytest.mark.parametrize("path", ["/lapor/", "/akun/masuk/", "/verifikasi/", "/ikrar/kode/", "/lapor/kembali/",
                                  "/tidak-ada/"])
def test_every_public_page_has_a_strict_csp(path, db):
    response = Client().get(path)
    policy = _csp(response)
    for directive in CSP_REQUIRED:
        assert directive in policy, (path, directive)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_staff_pages_have_the_csp_too(people, as_user):
    for path in ["/", "/kasus/", "/audit/", "/akun/profil/", "/akun/peran/", "/ikrar/", "/pegawai/"]:
        response = as_user(people.admin).get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in _csp(response) and "unsafe-inline" not in _csp(response)


def test_csrf_cookie_is_httponly_and_the_token_is_in_the_page(db):
    response = Client().get("/akun/masuk/")
    assert response.cookies["csrftoken"]["httponly"]
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'hx-headers=\'{"X-CSRFToken": "' in page


def test_htmx_injects_no_style_and_evaluates_nothing(db):
    page = Client().get("/lapor/").content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


TEMPLATE_DIRS = [p for p in Path(marwah.__file__).parent.glob("*/templates")]
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on handler (needs eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _pdf_only(text: str) -> bool:
    """Templates rendered by WeasyPrint into PDF (they hold an @page rule) never reach a browser."""
    return "@page" in text


# The one <style> element allowed: the inlined stylesheets of the code -> read -> sign pages (a slow
# phone paints on the first round trip), carrying this response's CSP nonce. Exactly this line.
NONCED_STYLE = "pledges/templates/pledges/critical_css.html"
NONCED_STYLE_TAG = '<style nonce="{{ request.csp_nonce }}">'


def _allowed(rel: str, text: str, match: re.Match[str], what: str) -> bool:
    if what != "<style> element" or rel != NONCED_STYLE:
        return False
    return text.startswith(NONCED_STYLE_TAG, match.start()) and text.count("<style") == 1


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if _pdf_only(text):
                continue
            rel = str(path.relative_to(directory.parent.parent))
            for pattern, what in INLINE:
                for match in pattern.finditer(text):
                    if _allowed(rel, text, match, what):
                        continue
                    line = text.count("\n", 0, match.start()) + 1
                    offenders.append(f"{path.relative_to(directory.parent.parent)}:{line}: {what}")
    assert not offenders, "\n".join(offenders)


def test_only_the_nonced_style_block_is_allowed():
    """The exception is one exact tag: the same tag without its nonce, or anywhere else, is refused."""
    text = (Path(marwah.__file__).parent / NONCED_STYLE).read_text(encoding="utf-8")
    style = INLINE[2][0]
    match = style.search(text)
    assert match and _allowed(NONCED_STYLE, text, match, "<style> element")
    bare = text.replace(NONCED_STYLE_TAG, "<style>")
    assert not _allowed(NONCED_STYLE, bare, style.search(bare), "<style> element")  # type: ignore[arg-type]
    assert not _allowed("core/templates/base.html", text, match, "<style> element")
    twice = text + NONCED_STYLE_TAG
    assert not _allowed(NONCED_STYLE, twice, style.search(twice), "<style> element")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/ikrar/kode/"])
def test_code_page_inlines_its_css_under_a_nonce(path, db):
    response = Client().get(path)
    policy = _csp(response)
    page = response.content.decode()
    nonce = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'", policy)
    assert nonce, policy
    assert page.count("<style") == 1 and f'<style nonce="{nonce.group(1)}">' in page
    assert ".btn" in page and "#id_code" in page  # app.css and pledges.css, inline
    assert 'rel="stylesheet"' not in page  # no render-blocking second round trip
    assert re.search(r"<script [^>]*\bdefer\b", page) is None  # scripts async: nothing waits for them
    assert "unsafe-inline" not in policy and "'nonce-" not in policy.split("style-src")[0]  # script-src has none


def test_other_pages_keep_style_src_self_without_a_nonce(db):
    response = Client().get("/akun/masuk/")
    assert "'nonce-" not in _csp(response) and "<style" not in response.content.decode()
    assert 'rel="stylesheet"' in response.content.decode()


def test_each_response_gets_its_own_nonce(db):
    first, second = (_csp(Client().get("/ikrar/kode/")) for _ in range(2))
    assert "'nonce-" in first and first != second


# marwah.core.csp: the common policy text is built once; anything that changes it goes through django-csp.

def _through_csp(view_response, *, path="/x/", nonce=False):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    from marwah.core.csp import CSPMiddleware

    request = RequestFactory().get(path)
    middleware = CSPMiddleware(lambda r: view_response)
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)
    return request, middleware.process_response(request, view_response)


def test_the_kept_policy_is_the_one_django_csp_builds():
    from csp.utils import build_policy
    from django.http import HttpResponse

    _, response = _through_csp(HttpResponse("ok"))
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_nonced_response_gets_django_csps_policy_with_its_own_nonce(settings):
    from csp.utils import build_policy
    from django.http import HttpResponse

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"style-src": ["'self'", "'nonce'"]}}
    seen = set()
    for _ in range(2):
        request, response = _through_csp(HttpResponse("ok"), nonce=True)
        nonce = request._csp_nonce
        assert response["Content-Security-Policy"] == build_policy(nonce=nonce)
        assert response["Content-Security-Policy-Report-Only"] == build_policy(nonce=nonce, report_only=True)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"] and "placeholder" not in str(response.headers)
        assert str(request.csp_nonce) == nonce  # still readable after the header, as django-csp leaves it
        seen.add(nonce)
    assert len(seen) == 2


def test_a_view_that_changes_the_policy_gets_its_change(settings):
    from django.http import HttpResponse

    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://tiles.example"]}  # what @csp_update sets
    _, answered = _through_csp(response)
    assert "img-src 'self' data: https://tiles.example" in answered["Content-Security-Policy"]
    _, nonced = _through_csp(HttpResponse("ok"), nonce=True)
    assert "'nonce-" in nonced["Content-Security-Policy"]


def test_exempt_and_excluded_responses_get_no_header(settings):
    from django.http import HttpResponse

    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in _through_csp(exempt)[1]
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/skip/"]}
    assert "Content-Security-Policy" not in _through_csp(HttpResponse("ok"), path="/skip/a")[1]
    assert "Content-Security-Policy" in _through_csp(HttpResponse("ok"), path="/x/")[1]


def test_a_settings_change_rebuilds_the_policy(settings):
    from django.http import HttpResponse

    _through_csp(HttpResponse("ok"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _through_csp(HttpResponse("ok"))[1]["Content-Security-Policy"] == "default-src 'none'"


def test_a_nonce_asked_for_after_the_header_is_an_error():
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    request, _ = _through_csp(HttpResponse("ok"))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
