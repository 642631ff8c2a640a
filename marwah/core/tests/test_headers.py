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


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if _pdf_only(text):
                continue
            for pattern, what in INLINE:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    offenders.append(f"{path.relative_to(directory.parent.parent)}:{line}: {what}")
    assert not offenders, "\n".join(offenders)
