"""Default-deny access: every view needs a login and, for roles that need it, a second factor.

Built on the pattern of Django 5.1's LoginRequiredMiddleware: the decision is made in
`process_view` from markers on the view function itself (see marwah.accounts.access), never
from a list of URL prefixes, so a new route is protected unless its view says otherwise.
WhiteNoise serves static files before this middleware runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware as _OTPMiddleware
from django_otp.models import Device

from marwah.accounts.access import is_public, needs_second_factor
from marwah.core import memo


def _password_only(request: HttpRequest) -> bool:
    """A signed-in user whose role needs a second factor they have not passed in this session."""
    from marwah.accounts.selectors import requires_two_factor

    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and requires_two_factor(user)  # type: ignore[arg-type]
                and not (verified is not None and verified()))


class DefaultDenyMiddleware(LoginRequiredMiddleware):
    """Login (LoginRequiredMiddleware) plus the second factor, unless the view is marked."""

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: tuple[Any, ...], view_kwargs: dict[str, Any]) -> HttpResponse | None:
        if is_public(view_func):
            if needs_second_factor(view_func) and request.user.is_authenticated and _password_only(request):
                # On a public page a half-signed-in session acts as nobody: it cannot, say,
                # sign a pledge or file a report "as" the account before the second factor.
                request.user = AnonymousUser()
                request.second_factor_pending = True  # type: ignore[attr-defined]  # a page may offer the 2FA step
            return None
        if not request.user.is_authenticated:
            return _for_htmx(request, self.handle_no_permission(request, view_func))
        if needs_second_factor(view_func) and _password_only(request):
            return _for_htmx(request, redirect(
                f"{reverse('accounts:two_factor')}?next={quote(request.get_full_path())}"))
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        user = getattr(request, "user", None)
        verified = getattr(user, "is_verified", None)
        if user is not None and user.is_authenticated and verified is not None and verified():
            # This browser passed the second factor: later correct logins from it skip the
            # per-account wait of marwah.accounts.throttle.
            from marwah.accounts.throttle import remember_device

            remember_device(request, response)
        return response


def _for_htmx(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """htmx follows a 302 inside its request and would paste the login page into a fragment."""
    if request.headers.get("HX-Request") != "true":
        return response
    whole_page = HttpResponse(status=204)
    whole_page["HX-Redirect"] = response["Location"]
    return whole_page


class OTPMiddleware(_OTPMiddleware):
    """django-otp's middleware, with the session's device read from the per-process memo.

    Every staff request looks its device up; `core.memo` keeps each device's row per process and
    forgets it on every server when any device is saved or deleted (a new device, a confirmation,
    a verification, a removal), so a removed device ends the second factor at the next request.
    Each request gets its own instance: nothing it changes is shared."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        persistent_id = self._normalize_persistent_id(persistent_id)
        row = memo.get("otp-device", persistent_id, lambda: _device_row(persistent_id))
        if row is None:
            return None
        model, names, values = row
        return model.from_db("default", names, values)  # type: ignore[no-any-return]


def _device_row(persistent_id: str) -> tuple[type[Device], list[str], list[Any]] | None:
    device = Device.from_persistent_id(persistent_id)
    if device is None:
        return None
    names = [f.attname for f in device._meta.concrete_fields]
    return type(device), names, [getattr(device, name) for name in names]
