"""Sessions in Redis (the production default when REDIS_URL is set; docs/decisions.md, "Sessions in
Redis"): the same idle limit, logout and key material rules as database sessions."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from marwah.accounts.tests.test_accounts import login

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = f"redis://127.0.0.1:6379/{10 + os.getpid() % 5}"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_sessions(settings):
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379 (the PostgreSQL pass of `make test` has one)")
    settings.CACHES = {"default": {"BACKEND": "marwah.core.cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": "test-" + secrets.token_hex(6)}}
    settings.SESSION_ENGINE = "marwah.core.sessions"
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        client.delete(key)


def _ttl(key: str) -> int:
    return cache._cache.get_client().ttl(cache.make_and_validate_key("django.contrib.sessions.cache" + key))


def test_a_redis_session_lives_the_idle_limit_and_logout_removes_it(people, redis_sessions, settings):
    client = Client()
    assert login(client, "rina").status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert not Session.objects.exists()  # nothing of the session in the database
    assert settings.SESSION_COOKIE_AGE - 5 <= _ttl(key) <= settings.SESSION_COOKIE_AGE  # Redis drops it when idle
    assert client.get("/").status_code == 200
    client.post("/akun/keluar/")
    assert _ttl(key) == -2  # gone (-2: no such key)
    assert client.get("/").status_code == 302


def test_the_engine_follows_redis_url_and_session_store():
    def engine(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SESSION_STORE")}
        done = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"],
                              env={**base, "DJANGO_SETTINGS_MODULE": "marwah.settings", "DEBUG": "1", **env},
                              cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() or done.stderr.strip().splitlines()[-1]

    assert engine() == "django.contrib.sessions.backends.db"
    assert engine(REDIS_URL="redis://127.0.0.1:6379/0") == "marwah.core.sessions"
    assert engine(REDIS_URL="redis://127.0.0.1:6379/0", SESSION_STORE="cached_db") == \
        "django.contrib.sessions.backends.cached_db"
    assert "SESSION_STORE must be db, cache or cached_db" in engine(SESSION_STORE="memory")


def test_a_signed_in_request_reads_its_session_and_the_memo_generation_in_one_round_trip(
        people, redis_sessions, settings, monkeypatch):
    from django.core.cache.backends.redis import RedisCacheClient

    from marwah.core import memo

    client = Client()
    assert login(client, "rina").status_code == 302
    assert client.get("/").status_code == 200
    reads: list[str] = []

    def counted(name: str):  # type: ignore[no-untyped-def]
        real = getattr(RedisCacheClient, name)

        def read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            reads.append(name)
            return real(self, *args, **kwargs)
        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(RedisCacheClient, name, counted(name))
    from marwah.core.cache import RedisCache

    real_renewing = RedisCache.get_renewing
    monkeypatch.setattr(RedisCache, "get_renewing",
                        lambda self, *a, **k: reads.append("get_renewing") or real_renewing(self, *a, **k))
    assert client.get("/").status_code == 200
    assert reads == ["get_renewing"], reads  # session + generation in one command, nothing else
    memo.bump()  # a role changed elsewhere: the next request's session read brings the new generation
    memo._publish()
    before = memo._state.generation
    assert client.get("/").status_code == 200 and memo._state.generation != before
    # A session that is gone still answers as signed out, and the generation is still read.
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-000000000000"
    assert client.get("/").status_code == 302


def test_a_changed_session_is_written_in_one_command_and_an_ended_one_is_not_brought_back(
        people, redis_sessions, settings):
    from django.contrib.sessions.backends.base import UpdateError
    from django.core.cache.backends.redis import RedisCacheClient

    from marwah.core.sessions import SessionStore

    store = SessionStore()
    store["a"] = 1
    store.create()
    key = store.session_key
    again = SessionStore(key)
    again["a"] = 2
    calls: list[str] = []
    real_get = RedisCacheClient.get
    RedisCacheClient.get = lambda self, *a, **k: calls.append("get") or real_get(self, *a, **k)  # type: ignore
    try:
        again.save()
    finally:
        RedisCacheClient.get = real_get  # type: ignore[method-assign]
    assert calls == [] and SessionStore(key)["a"] == 2  # written, without reading it first
    assert 0 < _ttl(key) <= settings.SESSION_COOKIE_AGE
    SessionStore(key).delete()  # logged out elsewhere meanwhile
    again["a"] = 3
    with pytest.raises(UpdateError):
        again.save()
    assert _ttl(key) == -2  # not brought back


def test_reading_a_redis_session_renews_its_idle_limit_without_writing_it(people, redis_sessions, settings,
                                                                          monkeypatch):
    from django.core.cache.backends.redis import RedisCacheClient

    from marwah.core.cache import RedisCache

    client = Client()
    assert login(client, "rina").status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    redis_key = cache.make_and_validate_key("django.contrib.sessions.cache" + key)
    raw = cache._cache.get_client(write=True)
    raw.expire(redis_key, 100)  # as if idle for most of the limit
    writes: list[str] = []
    for name in ("set", "set_many", "touch"):
        real = getattr(RedisCacheClient, name)
        monkeypatch.setattr(RedisCacheClient, name,
                            lambda self, *a, _real=real, _name=name, **k: writes.append(_name) or _real(self, *a, **k))
    monkeypatch.setattr(RedisCache, "replace", lambda *a, **k: writes.append("replace") or True)
    response = client.get("/")
    assert response.status_code == 200
    assert writes == []  # the session was only read, and its cookie not sent again
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.SESSION_COOKIE_AGE - 5 <= _ttl(key) <= settings.SESSION_COOKIE_AGE  # the whole limit again
    # Gone after the limit: a missing session is not brought back by the read.
    raw.delete(redis_key)
    assert client.get("/").status_code == 302
    assert _ttl(key) == -2


def test_a_session_with_its_own_expiry_keeps_it_when_read(people, redis_sessions, settings):
    from marwah.core.sessions import SessionStore

    store = SessionStore()
    store["a"] = 1
    store.set_expiry(300)
    store.create()
    key = store.session_key
    assert 295 <= _ttl(key) <= 300
    assert SessionStore(key)["a"] == 1
    assert 295 <= _ttl(key) <= 300  # renewed to its own 300 s, not the default idle limit


def test_a_session_is_read_after_redis_forgot_the_read_script(people, redis_sessions, settings):
    """A restarted or flushed Redis no longer knows the script the session read runs by its digest: the
    read sends the script itself once, and later reads find it again."""
    from marwah.core.cache import _GET_RENEWING_SHA

    client = Client()
    assert login(client, "rina").status_code == 302
    raw = cache._cache.get_client(write=True)
    raw.script_flush()
    assert raw.script_exists(_GET_RENEWING_SHA) == [False]
    assert client.get("/").status_code == 200  # still signed in: the session was read
    assert raw.script_exists(_GET_RENEWING_SHA) == [True]
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert settings.SESSION_COOKIE_AGE - 5 <= _ttl(key) <= settings.SESSION_COOKIE_AGE
    assert client.get("/").status_code == 200
