"""Every role above plain employee must pass a second factor before using the app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = (
    "/akun/masuk/", "/akun/keluar/", "/akun/2fa/", "/akun/sandi/lupa/", "/akun/sandi/reset/",
    "/static/", "/i18n/", "/jsi18n/", "/health/", "/lapor/", "/verifikasi/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(ALLOWED_PREFIXES):
            from marwah.accounts.selectors import requires_two_factor

            if requires_two_factor(user) and not user.is_verified():
                return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
