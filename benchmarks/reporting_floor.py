"""Report submission against the floor of the stack (issue 14, target 2), and two app servers
against one (issue 15, scale-out figures).

Marwah: anonymous sexual-violence reports, `POST /lapor/kirim/sexual_violence/` as a first-time
visitor's browser posts the form (CSRF cookie and token; benchmarks/reporting/submit.lua), the
whole submission (argon2id receipt, encryption, case routing, sealed keys, custodian share,
holders above the team, audit rows, rate limit) until the 302 to the receipt page.
Floor: `POST /argon` of ../shared/bench-floor, one argon2id hash with Marwah's receipt parameters
(FLOOR_ARGON_T / FLOOR_ARGON_KIB read from `marwah.reporting.crypto.receipt_kdf_params`).
Both under gunicorn with the same sync workers, loaded by wrk with the same settings (floor.py's
-t2 --latency, 8 connections, and a 10 s request timeout instead of wrk's 2 s), alternated
A B A B (`floor.compare`); the FLOOR line quotes the median of the per-pair ratios. Every Marwah
run is checked against the database: each answered submission must be a stored report.

    flock /tmp/bench.lock .venv/bin/python benchmarks/reporting_floor.py --rounds 3 --duration 30
    flock /tmp/bench.lock .venv/bin/python benchmarks/reporting_floor.py --servers 2 --rounds 3 --duration 30
    .venv/bin/python benchmarks/reporting_floor.py --smoke     # seconds, own throwaway database

Database `bench_reporting` (demo data), made when missing (about two minutes) or with `--fresh`,
like benchmarks/reporting/run.sh. Ports 8320-8339 (Marwah 8320/8323, floor 8330); Redis DB 11.
Everything started here (app servers, the floor) is stopped on exit, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "reporting")]
import benchdb  # noqa: E402

LUA = HERE / "reporting" / "submit.lua"
PATH = "/lapor/kirim/sexual_violence/"
TIMEOUT = "10s"  # wrk gives up after 2 s by default: a busy shared box passes that, on both sides


def wrk(url: str, *, connections: int, duration: float, script: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """`floor.wrk`'s settings (-t2 --latency), with a longer per-request timeout, for both sides."""
    from floor import ROOT, parse_wrk

    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency",
           "--timeout", TIMEOUT, "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,  # noqa: S603
                         env=dict(os.environ, **(env or {}))).stdout
    return parse_wrk(out)


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", "--floor", type=int, default=3, help="A B pairs (median ratio quoted)")
    ap.add_argument("--duration", type=float, default=30, help="seconds per run")
    ap.add_argument("--connections", type=int, default=8, help="wrk connections, both sides")
    ap.add_argument("--workers", type=int, default=3, help="gunicorn sync workers per server, both sides")
    ap.add_argument("--servers", type=int, default=1, choices=(1, 2),
                    help="2: two Marwah app servers on one PostgreSQL and Redis, against one server")
    ap.add_argument("--fresh", action="store_true", help="remake bench_reporting (demo data, ~2 min)")
    ap.add_argument("--smoke", action="store_true", help="tiny run on a throwaway database, then clean up")
    return ap.parse_args()


def receipt_params(db: str) -> dict[str, int]:
    code = ("import django, json; django.setup(); from marwah.reporting.crypto import receipt_kdf_params; "
            "print(json.dumps(receipt_kdf_params()))")
    out = subprocess.run([benchdb.PY, "-c", code], env=benchdb.environment(db), cwd=benchdb.ROOT,  # noqa: S603
                         check=True, capture_output=True, text=True).stdout
    params: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    if params.get("parallelism", 1) != 1:
        raise SystemExit(f"the floor hashes with parallelism 1; Marwah uses {params}")
    return params


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@contextlib.contextmanager
def private_floor_home():
    """Smoke runs keep the floor's pid file apart from a measurement that may be running (the venv is
    shared read-only), so they never stop someone else's floor."""
    shared = Path(os.environ.get("FLOOR", Path.home() / ".cache" / "marwah-floor"))
    home = Path(tempfile.mkdtemp(prefix="reporting-floor-smoke-"))
    if (shared / "venv" / "bin" / "python").exists():
        (home / "venv").symlink_to(shared / "venv")
    os.environ["FLOOR"] = str(home)
    try:
        yield
    finally:
        shutil.rmtree(home, ignore_errors=True)


def marwah_runner(db: str, urls: list[str], institution: int, unit: int, args: argparse.Namespace,
                  duration: float) -> Callable[[], object]:
    from floor import Run

    env = {"INSTITUTION": str(institution), "UNIT": str(unit)}

    def one(url: str, connections: int, out: list[Run]) -> None:
        out.append(wrk(url + PATH, script=LUA, connections=connections, duration=duration, env=env))

    def run() -> Run:
        before, flagged = benchdb.report_count(db), benchdb.repeat_flags(db)
        runs: list[Run] = []
        share = max(1, args.connections // len(urls))
        threads = [threading.Thread(target=one, args=(url, share, runs)) for url in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(runs) != len(urls):
            raise SystemExit("a wrk run failed")
        total = Run(rps=sum(r.rps for r in runs), p50_ms=statistics.median(r.p50_ms for r in runs),
                    p99_ms=max(r.p99_ms for r in runs), requests=sum(r.requests for r in runs),
                    errors=sum(r.errors for r in runs))
        stored = benchdb.report_count(db) - before
        answered = total.requests - total.errors
        if stored < answered:  # a 200 (the form again, with an error) would pass wrk's own check
            raise SystemExit(f"{answered} submissions answered but only {stored} reports stored")
        if (matched := benchdb.repeat_flags(db) - flagged) > 0:
            raise SystemExit(f"{matched} cases flagged as repeat matches during the run: the load's reports "
                             "match each other, and the work per report grows with each run")
        return total

    return run


def find_floor() -> None:
    """The floor's sources sit in `shared/bench-floor` beside the checkout (`../shared`); a worktree
    is deeper, so look in every parent unless FLOOR_SRC says where."""
    if os.environ.get("FLOOR_SRC"):
        return
    for parent in benchdb.ROOT.parents:
        if (parent / "shared" / "bench-floor" / "floor.sh").exists():
            os.environ["FLOOR_SRC"] = str(parent / "shared" / "bench-floor")
            return


def main() -> int:
    args = parse()
    find_floor()
    benchdb.stop_on_signals()
    db = benchdb.SMOKE_DB if args.smoke else benchdb.MEASURE_DB
    if args.smoke:
        args.rounds, args.duration, args.connections, args.workers = 1, 2, 2, 1
    with contextlib.ExitStack() as stack:
        if args.smoke:
            stack.callback(benchdb.drop, db)
            stack.enter_context(private_floor_home())
        from floor import Floor, compare

        institution, unit = benchdb.prepare(db, fresh=args.fresh or args.smoke, small=args.smoke)
        params = receipt_params(db)
        os.environ["FLOOR_ARGON_T"] = str(params["time_cost"])
        os.environ["FLOOR_ARGON_KIB"] = str(params["memory_cost"])
        ports = [8320, 8323][:args.servers] if not args.smoke else [8324, 8325][:args.servers]
        servers = [stack.enter_context(benchdb.Server(db, port=p, workers=args.workers)) for p in ports]
        print(f"receipt argon2id {params}; {args.servers} app server(s) x {args.workers} sync workers; "
              f"wrk {args.connections} connections, {args.duration:.0f} s; load average {loadavg()}", flush=True)
        one = marwah_runner(db, [servers[0].url], institution, unit, args, args.duration)
        if args.servers == 2:
            both = marwah_runner(db, [s.url for s in servers], institution, unit, args, args.duration)
            marwah_runner(db, [s.url for s in servers], institution, unit, args, min(3, args.duration))()  # warm up
            result = compare("submission, two app servers vs one", marwah=both, floor=one,  # type: ignore[arg-type]
                             rounds=args.rounds, note=f"load {loadavg()} (floor = one app server)")
            print(f"SCALE submissions/s: one server {statistics.median(r.rps for r in result.floor):.1f}, "
                  f"two servers {statistics.median(r.rps for r in result.marwah):.1f} "
                  f"(x{result.rps_ratio:.2f}); load average {loadavg()}", flush=True)
            return 0 if not any(r.errors for r in result.marwah + result.floor) else 1
        fl = stack.enter_context(Floor(port=8331 if args.smoke else 8330, workers=args.workers, reset=False))
        benchdb.stop_on_signals()  # Floor installs an os._exit handler: ours runs every cleanup instead
        marwah_runner(db, [servers[0].url], institution, unit, args, min(3, args.duration))()  # warm up
        from floor import POST_LUA

        def argon(duration: float):  # type: ignore[no-untyped-def]
            return wrk(f"{fl.url}/argon", connections=args.connections, duration=duration, script=POST_LUA)

        argon(min(3, args.duration))  # warm up
        result = compare("submission", marwah=one,  # type: ignore[arg-type]
                         floor=lambda: argon(args.duration),
                         rounds=args.rounds, min_rps_ratio=None if args.smoke else 0.6,
                         note=f"load {loadavg()}; floor POST /argon t={params['time_cost']} "
                              f"m={params['memory_cost']} KiB")
        print(f"load average after: {loadavg()}", flush=True)
        if args.smoke:
            return 0 if not any(r.errors for r in result.marwah) and result.marwah[0].requests else 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
