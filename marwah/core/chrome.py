"""The page header, rendered once per language and sign-in state and filled in per request (issue 14).

Every page extends base.html, and its header (brand, menu, language and logout forms) was about 35
template nodes: ~0.4 ms of every page's CPU, more than the middleware's checks. `core/header.html` is
rendered once per process for each language and sign-in state with markers where the request's own
values go (the CSRF token, the path to come back to, the signed-in user's menu), split at the markers,
and each request joins the parts with its values, escaped as the template would have escaped them.
The HTML stays in the template; with DEBUG on it is rendered every time, so edits show at once.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from marwah.core.nav import chrome_urls, nav_menu

# Invisible separators around a name: text no translation, URL or language code contains.
_SLOTS = {"csrf": "\u2063chrome-csrf\u2063", "next": "\u2063chrome-next\u2063", "nav": "\u2063chrome-nav\u2063"}
_BY_MARKER = {marker: name for name, marker in _SLOTS.items()}
_parts: dict[tuple[Any, ...], list[tuple[str, str]]] = {}


def _render(authenticated: bool) -> str:
    return get_template("core/header.html").render({
        "authenticated": authenticated, "urls": chrome_urls(), "LANG": get_language(),
        "LANGUAGES": settings.LANGUAGES, "csrf_token": _SLOTS["csrf"], "next": _SLOTS["next"],
        "nav_menu": mark_safe(_SLOTS["nav"]),  # noqa: S308  (a constant marker)
    })


def _split(html: str) -> list[tuple[str, str]]:
    """[(text, slot after it), ...]; the last slot is ''."""
    out: list[tuple[str, str]] = []
    rest = html
    while True:
        at = min(((rest.find(m), m) for m in _SLOTS.values() if m in rest), default=(-1, ""))
        if at[0] < 0:
            out.append((rest, ""))
            return out
        out.append((rest[:at[0]], _BY_MARKER[at[1]]))
        rest = rest[at[0] + len(at[1]):]


def header(request: HttpRequest, csrf_token: str) -> SafeString:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    key = (get_language(), authenticated, get_urlconf(), get_script_prefix())
    parts = _parts.get(key) if not settings.DEBUG else None
    if parts is None:
        parts = _split(_render(authenticated))
        if not settings.DEBUG:
            _parts[key] = parts
    values = {"csrf": escape(csrf_token), "next": escape(request.get_full_path()),
              "nav": str(nav_menu(request)) if authenticated else ""}
    return mark_safe("".join(text + (values[slot] if slot else "") for text, slot in parts))  # noqa: S308
