"""The RQ job class of `marwah worker`: each job starts and ends with a usable database connection.

A web request gets this from Django (close_old_connections around every request); a worker does
not, so after a database restart every later job would fail on the dead connection. Jobs that
fail on a transient database error are put back by `core.tasks.requeue_abandoned` (tasks are
idempotent).
"""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections
from django_tasks_rq.backend import Job as TasksJob


class Job(TasksJob):
    def perform(self) -> Any:
        close_old_connections()
        try:
            return super().perform()
        finally:
            close_old_connections()
