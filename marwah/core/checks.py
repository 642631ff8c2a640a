"""System checks: demo mode only on a loopback SQLite install; production has its secrets and address.

Checks tagged "marwah" also run when the WSGI application loads (marwah/wsgi.py), so a
production server refuses to start, not only `manage.py check`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register("marwah")
def demo_mode_is_local(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.DEMO_MODE:
        return []
    errors = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        errors.append(Error("MARWAH_DEMO is only allowed with the local SQLite database.", id="marwah.E001"))
    if not set(settings.ALLOWED_HOSTS) <= LOOPBACK:
        errors.append(Error("MARWAH_DEMO is only allowed when ALLOWED_HOSTS is loopback-only.", id="marwah.E002"))
    return errors


def demo_mode_active() -> bool:
    """True only when demo mode is on and every guard above holds (checked again at use)."""
    return settings.DEMO_MODE and not demo_mode_is_local(None)


@register("marwah")
def production_secrets(app_configs: Any, **kwargs: Any) -> list[Error]:
    from marwah.core.secrets import MISSING

    if not getattr(settings, "PRODUCTION", False) or not MISSING:
        return []
    names = ", ".join(sorted(set(MISSING)))
    return [Error(
        f"Missing secrets: {names}. In production they must come from the environment or NAME_FILE, "
        "never be generated into the data folder (a backup of it would then hold the keys).",
        hint="Set each as an environment variable, or NAME_FILE pointing at a file readable by the app only.",
        id="marwah.E010",
    )]


@register("marwah")
def production_site_url(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    if not settings.SITE_URL:
        return [Error("SITE_URL is not set: links in emails and the QR codes of PDFs need the public address.",
                      hint="For example SITE_URL=https://marwah.kpu.go.id", id="marwah.E011")]
    if not settings.SITE_URL.startswith("https://"):
        return [Warning("SITE_URL does not start with https://.", id="marwah.W011")]
    return []
