"""Shared by the pledge benchmarks: a throwaway database for --smoke, gunicorn that is always
stopped, and the resident memory of its workers."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_env  # noqa: E402

PG = ["-h", "127.0.0.1", "-U", "postgres"]


def _raise_on_sigterm() -> None:
    """SIGTERM ends the script through SystemExit, so `finally` blocks and atexit still clean up."""
    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def throwaway_db(name: str) -> str:
    """Create PostgreSQL database `name` (dropping a leftover first), point DATABASE_URL at it and drop
    it at exit. Call before Django starts. Sessions go to this database too (no Redis)."""
    assert name.startswith("bench_smoke_"), name
    _raise_on_sigterm()
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *PG, name], check=True)

    def drop() -> None:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=False)

    atexit.register(drop)
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ["DATABASE_URL"] = url
    for var in ("REDIS_URL", "SESSION_STORE"):
        os.environ.pop(var, None)
    return url


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Gunicorn:
    """`gunicorn marwah.wsgi` (sync workers) in its own process group; stopped on exit, also on failure."""

    def __init__(self, *, port: int, workers: int = 3, env: dict[str, str] | None = None):
        self.port, self.workers = port, workers
        self.env = dict(os.environ, DEBUG="0", LOG_LEVEL="ERROR", CONN_MAX_AGE="600", **(env or {}))
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Gunicorn:
        if _port_open(self.port):
            raise SystemExit(f"port {self.port} is already in use")
        _raise_on_sigterm()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(self.workers), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning"], cwd=ROOT, env=self.env, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + 60
        while not _port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn on port {self.port} did not start")
            time.sleep(0.2)
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(4 * self.workers):  # each worker's first request pays for lazy imports
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{self.url}/ikrar/kode/", timeout=30).read()  # noqa: S310
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        bench_env.stop_group(proc)

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except FileNotFoundError:
            return []

    def worker_rss_mb(self) -> list[float]:
        """VmRSS of each worker (from /proc/<pid>/status), in MB."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes
