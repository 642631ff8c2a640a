"""The replica router: only marked views read from the replica, and only when one is configured."""

from __future__ import annotations

from types import SimpleNamespace

from marwah.accounts.models import User
from marwah.core import dbrouter
from marwah.core.dbrouter import ReplicaRouter, replica_reads


def test_reads_go_to_the_replica_only_inside_marked_views(monkeypatch):
    monkeypatch.setattr(dbrouter, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))
    router = ReplicaRouter()
    assert router.db_for_read(User) is None

    @replica_reads
    def view() -> str | None:
        return router.db_for_read(User)

    assert view() == "replica"
    assert router.db_for_read(User) is None
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False


def test_without_a_replica_marked_views_read_the_primary(monkeypatch):
    monkeypatch.setattr(dbrouter, "settings", SimpleNamespace(DATABASES={"default": {}}))

    @replica_reads
    def view() -> str | None:
        return ReplicaRouter().db_for_read(User)

    assert view() is None


def test_the_memo_loads_from_the_primary_inside_marked_views(monkeypatch, settings):
    """What core.memo remembers for a minute is read from the primary, never a replica's lagging copy."""
    from marwah.core import memo

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # Redis in production

    monkeypatch.setattr(dbrouter, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))
    router = ReplicaRouter()
    memo.clear()

    @replica_reads
    def view() -> tuple[str | None, str | None, dict[str, str | None]]:
        one = memo.get("router-test", 1, lambda: router.db_for_read(User))
        many = memo.get_many("router-test-many", ["a"], lambda keys: {k: router.db_for_read(User) for k in keys})
        return router.db_for_read(User), one, many

    assert view() == ("replica", None, {"a": None})
    memo.clear()
