"""Read-heavy pages may read from a PostgreSQL replica.

Only what a view marks with `@replica_reads` (coverage, dashboards, exports) goes to the
replica, and only when DATABASE_REPLICA_URL is set: everything else, and every write, stays
on the primary, so a user never misses what they just wrote. A replica lags by seconds at
most; the pages that use it are figures, not records someone is editing.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)
P = ParamSpec("P")
R = TypeVar("R")


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _use_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _use_replica.reset(token)

    return wrapped


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Read from the primary inside a `@replica_reads` view (what `core.memo` keeps for a minute must not
    be a replica's lagging copy)."""
    token = _use_replica.set(False)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _use_replica.get() and "replica" in settings.DATABASES:
            return "replica"
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
