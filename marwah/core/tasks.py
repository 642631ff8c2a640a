"""Enqueue background work only once the transaction that asked for it commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task


def enqueue_on_commit(work: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: work.enqueue(*args, **kwargs))


@task()
def ping(value: str) -> str:
    """A task with no side effects, used to check that a task backend really runs work."""
    return f"pong:{value}"
