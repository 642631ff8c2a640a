"""Background work for the reporting channel."""

from __future__ import annotations

from django_tasks import task

from marwah.reporting import drafts


@task()
def sweep_stale_drafts_task() -> int:
    """Delete encrypted staged files of report drafts nobody finished (their key died with the session)."""
    return drafts.sweep_stale()


@task()
def purge_expired_sessions_task() -> int:
    """Delete expired sessions, so idle sessions' (already cookie-bound) key material does not linger."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        return deleted
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return 0
