"""Slowing password guessing without letting anyone lock the owner out.

There is no account lockout. Failed logins are counted in the cache twice:

- per account and source address: after FREE_PER_SOURCE failures each further attempt
  from that address must wait 2^(n - free) seconds, up to PER_SOURCE_CAP;
- per account over all addresses: after FREE_PER_ACCOUNT failures, 2^(n - free) seconds up
  to PER_ACCOUNT_CAP (short: it only stops a botnet spraying one account from many addresses).

While a wait runs the password is not even checked, so a guess in the window learns nothing.
A browser that passed the second factor for the account before carries a signed, long-lived
"known device" cookie: it skips both waits, so guesses sprayed from other addresses (or from
the same office address behind one NAT) never keep the owner out. The cookie only skips waiting; it never replaces a password or the
second factor. django-axes still records every failure (AccessAttempt) but locks nobody out.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from marwah.core.net import client_ip

FREE_PER_SOURCE = 3
PER_SOURCE_CAP = 15 * 60
FREE_PER_ACCOUNT = 10
PER_ACCOUNT_CAP = 60
WINDOW = 24 * 60 * 60  # counters are forgotten a day after the last failure
DEVICE_COOKIE = "mw_device"
DEVICE_SALT = "marwah.accounts.known-device"
DEVICE_MAX_AGE = 180 * 24 * 60 * 60


def _account(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    account = _account(username)
    return f"login-fail:{account}:{client_ip(request)}", f"login-fail:{account}"


def _delay(failures: int, free: int, cap: int) -> int:
    return 0 if failures < free else min(cap, 2 ** (failures - free + 1) // 2 or 1)


def _wait(key: str, free: int, cap: int, now: float) -> int:
    failures, last = cache.get(key, (0, 0.0))
    return max(0, int(last + _delay(failures, free, cap) - now + 0.999)) if failures >= free else 0


def wait_seconds(request: HttpRequest, username: str) -> int:
    """Seconds this attempt must wait; 0 when it may go ahead."""
    if is_known_device(request, username):
        # The owner's browser: guesses from elsewhere, or from the same office address, never
        # keep it waiting (the per-source rate limit of the login view still applies).
        return 0
    now = time.time()
    per_source, per_account = _keys(request, username)
    return max(_wait(per_source, FREE_PER_SOURCE, PER_SOURCE_CAP, now),
               _wait(per_account, FREE_PER_ACCOUNT, PER_ACCOUNT_CAP, now))


def _bump(key: str, now: float) -> None:
    failures, _last = cache.get(key, (0, 0.0))
    cache.set(key, (failures + 1, now), WINDOW)


@receiver(user_login_failed, dispatch_uid="marwah.throttle.failed")
def _failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")
    if request is None or not username:
        return
    now = time.time()
    for key in _keys(request, username):
        _bump(key, now)


@receiver(user_logged_in, dispatch_uid="marwah.throttle.succeeded")
def _succeeded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        cache.delete(_keys(request, user.get_username())[0])


# --- Known devices -------------------------------------------------------------------------------------

def _device_value(user: Any) -> str:
    return _account(user.get_username())


def is_known_device(request: HttpRequest, username: str) -> bool:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw:
        return False
    try:
        accounts = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(accounts, list) and _account(username) in accounts


def remember_device(request: HttpRequest, response: HttpResponse) -> None:
    """Called on every response of a session that passed the second factor (see the middleware)."""
    user = request.user
    if is_known_device(request, user.get_username()):
        return
    accounts = [_device_value(user)]
    try:
        old = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
        accounts += [a for a in old if isinstance(a, str)][:4] if isinstance(old, list) else []
    except signing.BadSignature:
        pass
    response.set_cookie(
        DEVICE_COOKIE, signing.dumps(accounts, salt=DEVICE_SALT), max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict",
    )


# --- The login view's guard -------------------------------------------------------------------------

def throttled(render_wait: Callable[[HttpRequest, int], HttpResponse]) -> Callable[[Callable[..., HttpResponse]],
                                                                                   Callable[..., HttpResponse]]:
    """Decorate the login view: a POST inside a wait gets `render_wait(request, seconds)` (429)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                from marwah.accounts.views import _find_user

                username = _find_user(str(request.POST.get("username", ""))[:150])
                seconds = wait_seconds(request, username) if username else 0
                if seconds:
                    return render_wait(request, seconds)
            return view(request, *args, **kwargs)
        return wrapper
    return decorator
