"""Periodic jobs, enqueued by `marwah worker` through the django-tasks API.

Every worker process runs the loop; `cache.add` is atomic in the database and Redis caches,
so each job is enqueued once per interval however many workers run.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    task: str  # dotted path of a django-tasks task
    every_seconds: int


JOBS = [
    Job("marwah.core.tasks.requeue_abandoned_task", 5 * 60),  # jobs a killed worker left behind
    Job("marwah.cases.tasks.check_deadlines_task", 60 * 60),  # reminders and escalations
    Job("marwah.cases.tasks.purge_expired_task", 24 * 60 * 60),  # retention
    Job("marwah.reporting.tasks.sweep_stale_drafts_task", 60 * 60),  # abandoned report drafts' files
    Job("marwah.reporting.tasks.purge_expired_sessions_task", 15 * 60),  # idle sessions and their wrapped keys
    Job("marwah.leave.tasks.roll_over_task", 24 * 60 * 60),  # opens the new year's leave balances
    Job("marwah.monitoring.tasks.remind_due_reports_task", 6 * 60 * 60),  # monitoring reports due soon
]


def enqueue_due(jobs: list[Job] = JOBS) -> list[str]:
    started = []
    for job in jobs:
        if cache.add(f"marwah:periodic:{job.task}", 1, timeout=job.every_seconds):
            import_string(job.task).enqueue()
            started.append(job.task)
    return started


def run_forever(tick_seconds: int = 60) -> None:
    while True:
        try:
            close_old_connections()
            enqueue_due()
        except Exception:  # a failing job must not stop the scheduler; it is retried next tick
            log.exception("periodic job scheduling failed")
        time.sleep(tick_seconds)


def start_in_background() -> threading.Thread:
    thread = threading.Thread(target=run_forever, name="marwah-scheduler", daemon=True)
    thread.start()
    return thread
