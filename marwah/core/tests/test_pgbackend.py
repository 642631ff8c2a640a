"""The PostgreSQL health check (core.pgbackend): no round trip while the idle socket is quiet, and a
connection the server ended is replaced before the request's first query."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "marwah.core.pgbackend",
                                reason="PostgreSQL only")


def _readable(sock: int) -> bool:
    import select

    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def test_a_quiet_idle_connection_is_usable_without_a_statement(transactional_db, monkeypatch):
    from django.db.backends.postgresql import base

    connection.ensure_connection()
    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", lambda self: pytest.fail("SELECT 1 was asked"))
    assert connection.is_usable() is True


def test_a_connection_in_a_transaction_is_asked_as_django_asks(transactional_db, monkeypatch):
    from django.db import transaction
    from django.db.backends.postgresql import base

    asked = []
    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", lambda self: asked.append(1) or True)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        assert connection.is_usable() is True
    assert asked == [1]


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(transactional_db):
    import psycopg

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = settings.DATABASES["default"]
    admin = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER'] or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not _readable(connection.connection.pgconn.socket) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connection.is_usable() is False
    connection.health_check_done = False
    connection.close_if_health_check_failed()  # what Django does before a request's first query
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        assert cur.fetchone()[0] != pid
