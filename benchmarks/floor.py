"""Ratios against the floor of the stack (`../shared/bench-floor/`): shared by every benchmark.

The floor is a bare Django 5.2 app (no middleware, persistent PostgreSQL connections) under the
same gunicorn: `POST /sign` (one INSERT), `GET /rollup` (one GROUP BY), `POST /argon` (one argon2id
hash). A benchmark loads its Marwah path and the matching floor endpoint with the same wrk
settings and workers, alternating A B A B in one run, and quotes the median of the per-pair ratios:
absolute figures drift on a shared machine, ratios from alternated runs much less.

    from floor import Floor, compare, wrk
    with Floor(workers=3) as fl:                     # builds the floor if needed, stops it on exit
        compare("signing", marwah=lambda: wrk(url, script=..., connections=16, duration=30),
                floor=lambda: fl.sign(connections=16, duration=30), rounds=3,
                min_rps_ratio=0.4, max_p99_ratio=3.0)

Every comparison prints one machine-readable line starting with `FLOOR ` that `benchmarks/floor.sh`
collects into the table of docs/benchmarks.md.
"""

from __future__ import annotations

import atexit
import os
import re
import signal
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_SRC = Path(os.environ.get("FLOOR_SRC", ROOT.parent / "shared" / "bench-floor"))
FLOOR_HOME = Path(os.environ.get("FLOOR", Path.home() / ".cache" / "marwah-floor"))
POST_LUA = FLOOR_SRC / "post.lua"


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors

    def __str__(self) -> str:
        bad = f"  {self.errors} errors" if self.errors else ""
        return f"{self.rps:8.1f} req/s  p50 {self.p50_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms{bad}"


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNIT[unit]


def parse_wrk(out: str) -> Run:
    """The figures of `wrk --latency` output."""
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Run(rps=rps, p50_ms=lat.get("50", 0.0), p99_ms=lat.get("99", 0.0), requests=requests, errors=errors)


def wrk(url: str, *, connections: int = 16, duration: float = 30, threads: int = 2, script: Path | str | None = None,
        headers: dict[str, str] | None = None, env: dict[str, str] | None = None) -> Run:
    """One wrk run with the floor's settings (`-t2 -c16 --latency` unless told otherwise)."""
    threads = min(threads, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                         env=dict(os.environ, WRK_THREADS=str(threads), **(env or {}))).stdout
    return parse_wrk(out)


def _floor_env() -> dict[str, str]:
    """The caller's environment without Marwah's settings module: the floor app's manage.py and wsgi.py
    only `setdefault` theirs, so a benchmark that set DJANGO_SETTINGS_MODULE would start Marwah's."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


class Floor:
    """The floor app under gunicorn (sync workers), built on first use and always stopped on exit."""

    def __init__(self, *, port: int = 8190, workers: int = 3, worker_class: str = "sync", reset: bool = True):
        self.port, self.workers, self.worker_class, self.reset = port, workers, worker_class, reset
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Floor:
        if not (FLOOR_SRC / "floor.sh").exists():
            raise SystemExit(f"the floor is not at {FLOOR_SRC} (set FLOOR_SRC)")
        subprocess.run(["bash", str(FLOOR_SRC / "floor.sh"), "setup"], check=True, capture_output=True,
                       env=_floor_env())
        # /rollup reads every row of the floor's table: every comparison starts from the same, empty table,
        # so the floor of a figure read is the bare cost of a request that answers one (the strictest
        # reading, and one that does not depend on how many /sign runs came before).
        if self.reset:
            self.sql("TRUNCATE floorapp_signature")
        subprocess.run(["bash", str(FLOOR_SRC / "floor.sh"), "serve", str(self.port), "-w", str(self.workers),
                        "-k", self.worker_class], check=True, env=_floor_env())
        atexit.register(self.stop)
        signal.signal(signal.SIGTERM, lambda *_: (self.stop(), os._exit(143)))
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        pid_file = FLOOR_HOME / "gunicorn.pid"
        if pid_file.exists():
            try:
                pid = int(pid_file.read_text())
                os.kill(pid, signal.SIGTERM)
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except (ProcessLookupError, ValueError):
                pass
            pid_file.unlink(missing_ok=True)

    def sql(self, statement: str) -> str:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "floor", "-tAc", statement],
                              check=True, capture_output=True, text=True).stdout.strip()

    def rows(self) -> int:
        return int(self.sql("SELECT count(*) FROM floorapp_signature"))

    def sign(self, **kw: float) -> Run:
        return wrk(f"{self.url}/sign", script=POST_LUA, **kw)  # type: ignore[arg-type]

    def rollup(self, **kw: float) -> Run:
        return wrk(f"{self.url}/rollup", **kw)  # type: ignore[arg-type]

    def argon(self, **kw: float) -> Run:
        return wrk(f"{self.url}/argon", script=POST_LUA, **kw)  # type: ignore[arg-type]


@dataclass
class Comparison:
    name: str
    rps_ratio: float
    p99_ratio: float
    marwah: list[Run]
    floor: list[Run]
    ok: bool


def compare(name: str, *, marwah: Callable[[], Run], floor: Callable[[], Run], rounds: int = 3,
            min_rps_ratio: float | None = None, max_p99_ratio: float | None = None, note: str = "") -> Comparison:
    """Alternate Marwah and the floor (A B A B ...), print each pair and the median ratios."""
    ours: list[Run] = []
    theirs: list[Run] = []
    for i in range(rounds):
        ours.append(marwah())
        theirs.append(floor())
        print(f"  {name} pair {i + 1}: marwah {ours[-1]}  |  floor {theirs[-1]}", flush=True)
    rps_ratio = statistics.median(a.rps / b.rps for a, b in zip(ours, theirs, strict=True) if b.rps)
    p99_ratio = statistics.median(a.p99_ms / b.p99_ms for a, b in zip(ours, theirs, strict=True) if b.p99_ms)
    ok = ((min_rps_ratio is None or rps_ratio >= min_rps_ratio)
          and (max_p99_ratio is None or p99_ratio <= max_p99_ratio)
          and not any(r.errors for r in ours))
    target = " ".join(filter(None, [f"rps>={min_rps_ratio}" if min_rps_ratio is not None else "",
                                    f"p99<={max_p99_ratio}x" if max_p99_ratio is not None else ""]))
    print(f"FLOOR {name} | marwah {statistics.median(r.rps for r in ours):.1f}/s p99 "
          f"{statistics.median(r.p99_ms for r in ours):.1f} ms | floor {statistics.median(r.rps for r in theirs):.1f}/s "
          f"p99 {statistics.median(r.p99_ms for r in theirs):.1f} ms | ratio rps {rps_ratio:.2f} p99 {p99_ratio:.2f}x "
          f"| rounds {rounds} | target {target or '-'} {'MET' if ok else 'NOT MET'} | "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC{' | ' + note if note else ''}", flush=True)
    return Comparison(name, rps_ratio, p99_ratio, ours, theirs, ok)
