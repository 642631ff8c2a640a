"""Refuse to start with demo mode anywhere but a loopback-only SQLite install."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(deploy=False)
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
