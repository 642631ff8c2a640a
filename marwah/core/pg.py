"""Server-side prepared statements for the few statements every pledge signing and case read sends.

Django talks to PostgreSQL with client-side binding: every statement is sent as text and planned anew.
The signing statement (the signature, six tallies up the tree and the audit entry with its chain head,
one CTE) costs PostgreSQL more to plan than to run. `hot_cursor()` gives a cursor of psycopg's own
(server-side binding) on Django's connection, inside Django's cursor wrapper (the same transaction,
error translation, query logging and `execute_wrapper`s): psycopg prepares a statement on a connection
the second time it runs (`PREPARE_AFTER`), and later only binds and executes it.

Only for statements written for it (a fixed text, a few dozen parameters): the global switch
`PG_SERVER_SIDE_BINDING` stays off (65,535-parameter limit on Django's unbatched `__in` and bulk
writes; docs/decisions.md). Off behind PgBouncer in transaction pooling (`PGBOUNCER=1`), where a
prepared statement may meet another server connection, and on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

PREPARE_AFTER = 1  # runs before psycopg prepares a statement text on a connection


def prepares(using: str = "default") -> bool:
    connection = connections[using]
    return (connection.vendor == "postgresql" and getattr(settings, "MARWAH_PREPARE_HOT", True)
            and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"))


@contextmanager
def hot_cursor(using: str = "default") -> Iterator[Any]:
    """A cursor whose statements PostgreSQL prepares once per connection; Django's cursor elsewhere."""
    connection = connections[using]
    if not prepares(using) or connection.queries_logged:
        # Logging queries (DEBUG, CaptureQueriesContext) reads the text back from psycopg, which keeps
        # none for a prepared run: logged statements go the ordinary way and show their SQL.
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off for the connection (for poolers); client-side cursors never prepare
        # anyway, so this reaches only the cursors made here.
        raw.prepare_threshold = PREPARE_AFTER
    # One cursor per connection, kept: a new one sets up its adapters again on every statement. A
    # statement starts by dropping the previous one's results, so nothing carries over.
    kept: Any = getattr(raw, "_marwah_hot_cursor", None)
    if kept is None or kept.closed:
        with connection.wrap_database_errors:
            kept = connection._prepare_cursor(psycopg.Cursor(raw))  # type: ignore[attr-defined]
        raw._marwah_hot_cursor = kept
    yield kept
