"""Django's PostgreSQL backend, with a health check that costs no round trip while nothing is wrong.

`CONN_HEALTH_CHECKS` makes Django ask a kept connection `SELECT 1` before the first query of each
request: a round trip, and a statement PostgreSQL parses and plans, on every page (issue 14). An idle
connection the server has ended (a restart, `pg_terminate_backend`, an idle timeout, a pooler letting
go) has something to read: the server's last message or the end of the stream. So the socket is looked
at first, without waiting; only when it has something to read, or the connection is not idle, or the
socket cannot be looked at, is `SELECT 1` asked, as Django does.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None:
            return False
        pgconn = conn.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status == pq.TransactionStatus.IDLE:
            try:
                poller = select.poll()
                poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
                if not poller.poll(0):
                    return True
            except (OSError, ValueError, psycopg.Error):
                pass
        return bool(super().is_usable())
