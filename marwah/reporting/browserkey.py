"""The browser key: the half of every session secret that never reaches the server's storage.

Key material kept in the server-side session (a handler's unlocked private key, a reporter's
report key, a receipt shown once, a report draft's staging key) is encrypted with
`crypto.session_wrap` under a random 32-byte key that lives only in the `mw_bk` cookie
(HttpOnly, SameSite=Strict, Secure whenever the session cookie is). The server sees it only
while a request is in flight; a copy of the database, the data folder and every server secret
together cannot open a session's key material.

- `get(request)` is the browser's key or None; reading never creates one.
- `ensure(request)` returns the key, creating one (sent back by the middleware) when missing.
- `rotate(request)` makes a fresh key: at every key unlock, so each login has its own key.
- `forget(request)` expires the cookie (logout).
Outside HTTP (demo seeding, tests calling services) the key lives on the request object only.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from marwah.reporting import crypto

COOKIE = "mw_bk"
_ATTR = "_mw_browser_key"
_NEW = "_mw_browser_key_new"
_FORGET = "_mw_browser_key_forget"


def _decode(value: str | None) -> bytes | None:
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == crypto.BROWSER_KEY_BYTES else None


def get(request: HttpRequest) -> bytes | None:
    if _ATTR not in request.__dict__:
        cookies = getattr(request, "COOKIES", {}) or {}
        request.__dict__[_ATTR] = _decode(cookies.get(COOKIE))
    return request.__dict__[_ATTR]


def ensure(request: HttpRequest) -> bytes:
    key = get(request)
    if key is None:
        key = rotate(request)
    return key


def rotate(request: HttpRequest) -> bytes:
    key = crypto.new_browser_key()
    request.__dict__[_ATTR] = key
    request.__dict__[_NEW] = True
    request.__dict__.pop(_FORGET, None)
    return key


def forget(request: HttpRequest) -> None:
    request.__dict__[_ATTR] = None
    request.__dict__[_FORGET] = True
    request.__dict__.pop(_NEW, None)


class BrowserKeyMiddleware:
    """Sends a new browser key back as a cookie, or expires it after logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.__dict__.get(_FORGET):
            response.delete_cookie(COOKIE, samesite="Strict")
        elif request.__dict__.get(_NEW) and request.__dict__.get(_ATTR):
            response.set_cookie(
                COOKIE, base64.urlsafe_b64encode(request.__dict__[_ATTR]).decode(),
                max_age=None,  # a browser-session cookie: gone when the browser closes
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict",
            )
        return response


def on_logout(sender, request: HttpRequest | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if request is not None:
        forget(request)
