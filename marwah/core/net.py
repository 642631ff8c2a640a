"""The client's address, behind as many trusted reverse proxies as configured."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=n the n-th address from the right of X-Forwarded-For.

    Only the hops our own proxies appended are trusted; anything a client writes to the left
    of them is ignored, so nobody can pick the address their attempts are counted against.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104  # a placeholder, not a bind
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]
