"""Background work for the reporting channel."""

from __future__ import annotations

from django_tasks import task

from marwah.reporting import drafts


@task()
def sweep_stale_drafts_task() -> int:
    """Delete encrypted staged files of report drafts nobody finished (their key died with the session)."""
    return drafts.sweep_stale()
