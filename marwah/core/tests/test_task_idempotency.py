"""The queue's own periodic task run twice: a job a killed worker left behind is put back once.
(`ping` has no effect to repeat; every other task's retry is tested in its app's
tests/test_task_idempotency.py; the table is in docs/decisions.md.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

MARWAH = str(Path(sys.executable).with_name("marwah"))
REDIS_DB = os.environ.get("MARWAH_TEST_REDIS_DB", "15")  # flushed: not a benchmark's (9–14)

SCRIPT = """
import django_rq
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.results import Result
from marwah.core.tasks import ping, requeue_abandoned
queue = django_rq.get_queue("default")
queue.connection.flushdb()
registry = FailedJobRegistry(queue=queue)
for value, error in (("killed", ""), ("broken", "Traceback ... ValueError: its own error")):
    job = Job.fetch(ping.enqueue(value).id, connection=queue.connection)
    queue.remove(job)
    registry.add(job, ttl=600, exc_string=error)
    if error:  # how RQ records a job that raised (a killed worker's job has no result)
        Result.create_failure(job, 600, error)
first, second = requeue_abandoned(), requeue_abandoned()
print(first, second, queue.count, len(registry))
queue.connection.flushdb()
"""


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_requeue_twice_puts_an_abandoned_job_back_once(tmp_path):
    env = {**os.environ, "TASK_BACKEND": "rq", "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "DEBUG": "1",
           "MARWAH_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    done = subprocess.run([MARWAH, "shell", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    # One requeued, then none; one job waiting (not two); the job with its own error stays failed.
    assert done.stdout.split()[-4:] == ["1", "0", "1", "1"]
