"""Two app servers and two workers on one PostgreSQL and one Redis share everything that matters.

A session made on one server is honoured by the other, a rate limit counted on one is enforced
by the other, and tasks queued by one process are run by the two workers exactly once each.
Runs in the PostgreSQL pass of `make test` (bounded: about a minute) and needs Redis.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

MARWAH = str(Path(sys.executable).with_name("marwah"))
PASSWORD = "kata-sandi-uji-9876"


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] not in settings.POSTGRES_ENGINES,
                       reason="scale-out runs on PostgreSQL"),
    pytest.mark.skipif(not _port_open(6379), reason="Redis is not running on 127.0.0.1:6379"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _database() -> Iterator[str]:
    import psycopg

    db = settings.DATABASES["default"]
    name = f"marwah_scaleout_{os.getpid()}"
    admin = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER'] or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """A cookie jar shared across ports, as a browser shares cookies across a load balancer's servers."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": url}))

    def csrf_from(self, url: str) -> str:
        status, page = self.get(url)
        assert status == 200, (url, status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, "no CSRF token on " + url
        return match.group(1)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "app server exited"
        if _port_open(port):
            return
        time.sleep(0.2)
    raise AssertionError(f"app server on {port} did not start")


def test_two_app_servers_and_two_workers_share_sessions_limits_and_tasks(tmp_path):
    redis_db = 5 + os.getpid() % 4  # 5–8: the benchmarks keep their sessions in 9–14, which this flushes
    with _database() as url:
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
               "TASK_BACKEND": "rq", "MARWAH_DATA_DIR": str(tmp_path), "DEBUG": "0", "MARWAH_DEMO": "0",
               "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "SITE_URL": "http://127.0.0.1",
               "SECRET_KEY": secrets.token_urlsafe(48), "MARWAH_MATCH_SECRET": secrets.token_urlsafe(32),
               "MARWAH_FILE_KEY": secrets.token_urlsafe(32), "WEB_CONCURRENCY": "1"}

        def marwah(*args: str) -> str:
            quiet = ["--no-imports"] if args[0] == "shell" else []  # no "N objects imported" line
            done = subprocess.run([MARWAH, *args, *quiet], env=env, capture_output=True, text=True,  # noqa: S603
                                  timeout=300, check=False)
            assert done.returncode == 0, done.stderr[-3000:]
            return done.stdout.strip()

        marwah("migrate", "--no-input", "-v", "0")
        subprocess.run(["redis-cli", "-n", str(redis_db), "FLUSHDB"], check=False, capture_output=True)
        marwah("shell", "-c", "from marwah.accounts.models import User; "
                              f"User.objects.create_user('warga', password='{PASSWORD}')")
        ports = [_free_port(), _free_port()]
        servers = [subprocess.Popen([MARWAH, "serve", f"127.0.0.1:{port}"], env=env,  # noqa: S603
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True) for port in ports]
        try:
            for port, proc in zip(ports, servers, strict=True):
                _wait_up(port, proc)
            a, b = (f"http://127.0.0.1:{port}" for port in ports)

            # A session made on A is honoured by B.
            person = Browser()
            person.csrf_from(f"{a}/akun/masuk/")
            status, _ = person.post(f"{a}/akun/masuk/", {"username": "warga", "password": PASSWORD})
            assert status == 302
            status, page = person.get(f"{b}/")
            assert status == 200 and "warga" in page

            # The receipt limit (10 a minute per address) is counted across both servers.
            guesser = Browser()
            guesser.csrf_from(f"{a}/lapor/kembali/")
            statuses = [guesser.post(f"{(a, b)[i % 2]}/lapor/kembali/", {"receipt": f"{i:016d}"})[0]
                        for i in range(12)]
            assert 429 in statuses[10:], statuses
            assert 429 not in statuses[:10], statuses

            # Tasks queued by one process run on the two workers, each exactly once.
            ids = marwah("shell", "-c", "from marwah.core.tasks import ping; "
                                        "print(' '.join(ping.enqueue(str(i)).id for i in range(20)))").split()
            workers = [subprocess.Popen([MARWAH, "worker", "--burst"], env=env,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
            for worker in workers:
                assert worker.wait(timeout=120) == 0
            results = marwah("shell", "-c", "from marwah.core.tasks import ping; "
                                            f"print(' '.join(ping.get_result(i).return_value for i in {ids!r}))")
            assert sorted(results.split()) == sorted(f"pong:{i}" for i in range(20))
        finally:
            for proc in servers:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in servers:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
