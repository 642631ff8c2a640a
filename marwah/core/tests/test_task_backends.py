"""Both task backends really run work: the database queue (one machine) and RQ on Redis (scale)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from marwah.core.tasks import enqueue_on_commit, ping

MARWAH = str(Path(sys.executable).with_name("marwah"))


def test_database_backend_runs_queued_work(settings, transactional_db):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():  # the task's row is written in the caller's transaction: it goes with a rollback
        enqueue_on_commit(ping, "gone")
        transaction.set_rollback(True)
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        enqueue_on_commit(ping, "db")
    queued = DBTaskResult.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result = ping.get_result(str(queued.id))
    assert result.return_value == "pong:db"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_rq_backend_runs_work_through_redis(tmp_path):
    env = {**os.environ, "TASK_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:6379/9",
           "MARWAH_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}

    def marwah(*args: str) -> str:
        done = subprocess.run([MARWAH, *args], env=env, capture_output=True, text=True, timeout=120, check=True)
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    task_id = marwah("shell", "-c", "from marwah.core.tasks import ping; print(ping.enqueue('rq').id)")
    marwah("worker", "--burst")
    status = marwah("shell", "-c", f"from marwah.core.tasks import ping; r = ping.get_result('{task_id}'); "
                                   "print(r.status, r.return_value)")
    assert status == "SUCCESSFUL pong:rq"
