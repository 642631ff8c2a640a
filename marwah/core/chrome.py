"""The page header, rendered once per language and sign-in state and filled in per request (issue 14).

Every page extends base.html, and its header (brand, menu, language and logout forms) was about 35
template nodes: ~0.4 ms of every page's CPU, more than the middleware's checks. `core/header.html` is
rendered once per process for each language and sign-in state with markers where the request's own
values go (the CSRF token, the path to come back to, the signed-in user's menu), split at the markers,
and each request joins the parts with its values, escaped as the template would have escaped them.
The HTML stays in the template; with DEBUG on it is rendered every time, so edits show at once.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from marwah.core.nav import chrome_urls, nav_menu

# A slot's marker: invisible separators around its name, text no translation, URL or language code contains.
SLOT_PATTERN = re.compile("\u2063slot:([a-z_]+)\u2063")
_parts: dict[tuple[Any, ...], list[tuple[str, str]]] = {}


def slot_marker(name: str) -> SafeString:
    return mark_safe(f"\u2063slot:{name}\u2063")  # noqa: S308  (a constant marker)


def _render(authenticated: bool) -> str:
    return get_template("core/header.html").render({
        "authenticated": authenticated, "urls": chrome_urls(), "LANG": get_language(),
        "LANGUAGES": settings.LANGUAGES, "csrf_token": slot_marker("csrf"), "next": slot_marker("next"),
        "nav_menu": slot_marker("nav"),
    })


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def split_at_slots(html: str) -> list[tuple[str, str]]:
    """[(text, slot after it), ...] at the markers; the last slot is ''."""
    out: list[tuple[str, str]] = []
    at = 0
    for found in SLOT_PATTERN.finditer(html):
        out.append((html[at:found.start()], found.group(1)))
        at = found.end()
    out.append((html[at:], ""))
    return out


def header(request: HttpRequest, csrf_token: str) -> SafeString:
    authenticated = _signed_in(request)
    key = (get_language(), authenticated, get_urlconf(), get_script_prefix())
    parts = _parts.get(key) if not settings.DEBUG else None
    if parts is None:
        parts = split_at_slots(_render(authenticated))
        if not settings.DEBUG:
            _parts[key] = parts
    values = {"csrf": escape(csrf_token), "next": escape(request.get_full_path()),
              "nav": str(nav_menu(request)) if authenticated else ""}
    return mark_safe("".join(text + (values[slot] if slot else "") for text, slot in parts))  # noqa: S308


# --- Whole pages around content that is already HTML --------------------------------------------------

_pages: dict[tuple[Any, ...], tuple[list[tuple[bytes, str]], bool]] = {}
# For content kept across readers: `{% csrf_token %}` rendered with this as the token; `page()` puts
# the request's own token in its place.
CSRF_SLOT = slot_marker("csrf")
CSRF_SLOT_BYTES = CSRF_SLOT.encode()


def page_token(request: HttpRequest) -> str:
    """The page's masked CSRF token, one per response however many forms and renders ask for it."""
    token = getattr(request, "_marwah_csrf", None)
    if token is None:
        token = get_token(request) or "NOTPROVIDED"
        request._marwah_csrf = token  # type: ignore[attr-defined]
    return str(token)


def _pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _shell(template_name: str, slots: tuple[str, ...], authenticated: bool) -> tuple[list[tuple[bytes, str]], bool]:
    """`template_name` rendered with a marker for every slot, the CSRF token, the header and the CSP
    nonce, split at them and encoded (UTF-8); and whether the page uses the nonce."""
    parts = split_at_slots(get_template(template_name).render({
        **{name: slot_marker(name) for name in slots}, "csrf_token": slot_marker("csrf"), "page_header": slot_marker("header"),
        "DEMO_MODE": settings.DEMO_MODE, "chrome_urls": chrome_urls(), "messages": (),
        "user": _SHELL_USER[authenticated], "request": _ShellRequest(slot_marker("nonce")),
    }))
    return [(text.encode(), slot) for text, slot in parts], any(slot == "nonce" for _text, slot in parts)


class _ShellUser:
    """What a page template may ask of the user in its shell: only whether someone is signed in."""

    def __init__(self, authenticated: bool) -> None:
        self.is_authenticated = authenticated


_SHELL_USER = {True: _ShellUser(True), False: _ShellUser(False)}


class _ShellRequest:
    """What a page template may ask of the request in its shell: the response's CSP nonce (a page that
    inlines its critical CSS), filled in per request."""

    def __init__(self, nonce: SafeString) -> None:
        self.csp_nonce = nonce


def page(request: HttpRequest, template_name: str, slots: dict[str, str | bytes], *, status: int = 200) -> HttpResponse:
    """`render(request, template_name, slots)` for a page whose template only places `slots` (HTML
    rendered before, kept for many readers) inside base.html: the page around them is rendered once
    per process for each template, language and sign-in state, and each request joins its parts
    with its own CSRF token, header and slots (~0.4 ms of template work less per view, issue 14).
    The template may use nothing from the request but `csrf_token`, `user.is_authenticated` and
    `request.csp_nonce`. A slot is text (escaped), a SafeString (HTML) or bytes: HTML this code
    rendered, already encoded as UTF-8 (`encoded()`), which a body kept for many readers is, so that
    no request encodes it again. An HTML slot may hold `CSRF_SLOT` where its forms' token goes.
    A page with messages to show, or any page with DEBUG on, is rendered by the template engine."""
    if settings.DEBUG or _pending_messages(request):
        return render(request, template_name, _filled(request, slots), status=status)
    authenticated = _signed_in(request)
    key = (template_name, tuple(slots), get_language(), authenticated, get_urlconf(), get_script_prefix())
    shell = _pages.get(key)
    if shell is None:
        shell = _pages[key] = _shell(template_name, tuple(slots), authenticated)
    parts, uses_nonce = shell
    token = page_token(request)
    csrf = escape(token).encode()
    values: dict[str, bytes] = {"csrf": csrf, "header": header(request, token).encode()}
    if uses_nonce:  # asked for only by pages that use it: CSP adds it then
        values["nonce"] = escape(str(request.csp_nonce)).encode()  # type: ignore[attr-defined]
    for name, value in slots.items():
        if isinstance(value, (bytes, SafeString)):  # HTML
            data = value if isinstance(value, bytes) else value.encode()
            values[name] = data.replace(CSRF_SLOT_BYTES, csrf)  # the same object when it holds no form
        else:
            values[name] = escape(value).encode()
    # Joined as bytes around a shell encoded once per process: one character past Latin-1 (the footer's
    # dash, a quotation mark in a kept body) made the whole page a two-byte string, copied and encoded
    # anew for every response; the national dashboard's 75 KB body was encoded per request.
    return HttpResponse(b"".join(text + (values[slot] if slot else b"") for text, slot in parts), status=status)


def _filled(request: HttpRequest, slots: dict[str, str | bytes]) -> dict[str, str]:
    """The slots for the template engine: HTML slots decoded and given the page's CSRF token where
    their forms hold `CSRF_SLOT` (a page with a message to show, after a form's redirect, has forms)."""
    out: dict[str, str] = {}
    for name, value in slots.items():
        if isinstance(value, bytes):
            value = mark_safe(value.decode())  # noqa: S308  (HTML this code rendered)
        if isinstance(value, SafeString) and CSRF_SLOT in value:
            value = mark_safe(value.replace(CSRF_SLOT, escape(page_token(request))))  # noqa: S308
        out[name] = value
    return out


def encoded(html: str) -> bytes:
    """HTML rendered here, for a `page()` slot: encoded once (where it is kept), not per response."""
    return html.encode()


# --- Content kept around a request's own values ------------------------------------------------------

_fragments: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
FRAGMENTS_KEPT = 512  # shells per process; past that they are all dropped and rebuilt as asked for


def fragment(request: HttpRequest, template_name: str, context: dict[str, Any], values: dict[str, Any], *,
             key: tuple[Any, ...] | None) -> SafeString:
    """`render_to_string(template_name, {**context, **values}, request=request)` for content whose
    template only places each of `values` (no filter, no test on them): rendered once per process for
    each `key`, language and sign-in state with a marker for every value, and joined per request with
    the values escaped as the template would have escaped them. `key` must name everything in
    `context` the output depends on; None (an answer with form errors, a rare variant) renders it
    whole. The template may use nothing from the request but `csrf_token` (the page puts the token in:
    `page()`) and `user.is_authenticated`. With DEBUG on it is rendered every time."""
    if settings.DEBUG or key is None:
        return mark_safe(render_to_string(template_name, {**context, **values}, request=request))  # noqa: S308
    authenticated = _signed_in(request)
    full = (template_name, key, tuple(values), get_language(), authenticated, get_urlconf(), get_script_prefix())
    parts = _fragments.get(full)
    if parts is None:
        if len(_fragments) >= FRAGMENTS_KEPT:
            _fragments.clear()
        parts = _fragments[full] = split_at_slots(get_template(template_name).render({
            **context, **{name: slot_marker(name) for name in values}, "csrf_token": CSRF_SLOT,
            "user": _SHELL_USER[authenticated]}))
    filled = {name: value if isinstance(value, SafeString) else escape(str(value)) for name, value in values.items()}
    filled["csrf"] = CSRF_SLOT  # left for page() to fill with the response's token
    return mark_safe("".join(text + (filled[slot] if slot else "") for text, slot in parts))  # noqa: S308
