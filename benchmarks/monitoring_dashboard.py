"""Monitoring dashboard latency at national scale on PostgreSQL (issue 13, point 6).

Usage (from the repository root):
  createdb -h 127.0.0.1 -U postgres bench_monitor
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_monitor MARWAH_DATA_DIR=$(mktemp -d)
  .venv/bin/marwah migrate -v0 && .venv/bin/marwah createcachetable
  .venv/bin/python benchmarks/monitoring_dashboard.py [--cases 1000000] [--requests 200]

The KPU tree (KPU RI, 38 provinces, 514 regencies) is built from the regions; `--cases` cases
spread over five years and over the regencies are walked through their steps in memory with
the very functions the write path uses (`casestats.open_deltas` / `step_deltas`), and the
resulting rollup rows (`CaseStat`) and per-case rows (`CaseFact`) are loaded with COPY, regency
by regency, so memory stays small. No case rows are needed: the dashboard never reads them.
Then HR users at KPU RI and at one regency open the dashboard for the current quarter through
the whole Django stack (test client: middleware, session, 2FA check) and p50/p95/p99 are printed.

Against the floor of the stack (issue 14, target 4: p99 <= 2x the floor's `/rollup` at every level),
on the database made above (`benchmarks/floor.sh dashboard` runs this):
  .venv/bin/python benchmarks/monitoring_dashboard.py --floor 3 --duration 30
starts gunicorn (3 sync workers, production settings over plain http, Redis cache DB 13 when it
answers) and, at national (KPU RI), province (Jawa Timur) and regency (Kota Surabaya) level, runs
`wrk -t2 -c16` on the dashboard with an HR user's logged-in, 2FA-verified session cookie,
alternating with the floor's `/rollup` (benchmarks/floor.py), and prints one FLOOR line per level.

`--smoke`: 600 cases on a throwaway database (`bench_smoke_monitoring_dashboard`), a few requests
in-process, then the HTTP path (gunicorn, cookie, 1 s of wrk per level) without the floor; seconds.
"""

from __future__ import annotations

import argparse
import html
import http.client
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
import bench_env  # noqa: E402
from floor import Floor, Run, compare, wrk  # noqa: E402


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--cold", action="store_true", help="no cache of rendered sections: every request computes")
    parser.add_argument("--floor", type=int, metavar="ROUNDS", help="HTTP A/B against the floor's /rollup (no generate)")
    parser.add_argument("--duration", type=float, default=30, help="seconds per wrk run (--floor)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8360)
    parser.add_argument("--floor-port", type=int, default=8361)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="cache for gunicorn ('' for the database)")
    parser.add_argument("--smoke", action="store_true", help="tiny, on a throwaway database, in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.cases, args.requests, args.skip_generate = 600, 3, False
        bench_env.smoke_database("monitoring_dashboard")
        args.port = bench_env.free_port()
    elif args.floor:
        args.skip_generate = True
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_monitor")
    if args.redis and subprocess.run(["redis-cli", "-u", args.redis, "ping"], capture_output=True,  # noqa: S607
                                     check=False).returncode == 0:
        # The same settings as the app servers: sessions (and the cache) where they read them.
        os.environ["REDIS_URL"] = args.redis
    else:
        args.redis = ""
    bench_env.exit_on_sigterm()
    bench_env.apply()
    return args


ARGS = parse()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from marwah.accounts.models import Role, RoleAssignment, User  # noqa: E402
from marwah.monitoring.casestats import OPEN, Step, open_deltas, step_deltas  # noqa: E402
from marwah.monitoring.models import CaseFact, CaseStat  # noqa: E402
from marwah.orgs.models import Unit, UnitKind  # noqa: E402
from marwah.orgs.services import build_kpu_tree  # noqa: E402
from marwah.rules.violations import KINDS  # noqa: E402

SANCTIONS = ["pp94_written_reprimand", "pp94_tukin_6", "moral_open", "dkpp_warning", "pp94_demotion"]


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buf.read())


def _case(rng: random.Random, kinds: list[str], today: date) -> tuple[CaseFact, list[Step]]:
    kind = rng.choice(kinds)
    reported = today - timedelta(days=rng.randint(0, 5 * 365))
    fact = CaseFact(category=KINDS[kind].category, kind=kind, reported_on=reported, status="received", is_open=True)
    steps, day = [], reported
    plan = ["rejected"] if rng.random() < 0.1 else ["verified", "examination", "decision", "follow_up", "closed"]
    for status in plan:
        day += timedelta(days=rng.randint(1, 40))
        if day > today:
            break
        outcome = "proven" if status == "decision" else ""
        sanctions = (rng.choice(SANCTIONS),) if status == "decision" else ()
        steps.append(Step(kind="decision" if status == "decision" else "status", status=status, day=day,
                          outcome=outcome, sanctions=sanctions))
    if rng.random() < 0.05:
        steps.append(Step(kind="overdue", status="", day=min(day + timedelta(days=3), today)))
    steps[-1:] and setattr(steps[-1], "stage_due", day + timedelta(days=rng.randint(-20, 20)))
    return fact, steps


def generate(n_cases: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    kinds = [k for k in KINDS if not k.startswith("sv_")] * 4 + [k for k in KINDS if k.startswith("sv_")]
    kpu = build_kpu_tree()
    ri = Unit.objects.get(institution=kpu, parent=None)
    regencies = list(Unit.objects.filter(institution=kpu, kind=UnitKind.KPU_REGENCY).select_related("parent"))
    CaseStat.objects.filter(unit__institution=kpu).delete()
    CaseFact.objects.all().delete()
    per = n_cases // len(regencies)
    provinces: dict[int, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    national: dict[tuple, int] = defaultdict(int)
    case_id, stat_rows, t0 = 0, 0, time.time()
    stat_cols = ["unit_id", "parent_unit_id", "month", "category", "kind", "measure", "value"]
    fact_cols = ["case_id", "unit_id", "unit_path", "category", "kind", "reported_on", "status", "is_open",
                 "stage_due", "verified_on", "decided_on", "missed_deadlines"]
    for i, regency in enumerate(regencies):
        local: dict[tuple, int] = defaultdict(int)
        facts = []
        for _ in range(per):
            case_id += 1
            fact, steps = _case(rng, kinds, today)
            deltas = open_deltas(fact)
            for s in steps:
                deltas += step_deltas(fact, s)
            for month, cat, kind, measure, d in deltas:
                local[(month, cat, kind, measure)] += d
            facts.append((case_id, regency.pk, regency.path, fact.category, fact.kind, fact.reported_on, fact.status,
                          "t" if fact.status in OPEN else "f", fact.stage_due, fact.verified_on, fact.decided_on,
                          fact.missed_deadlines))
        _copy("monitoring_casefact", fact_cols, facts)
        rows = [(regency.pk, regency.parent_id, *k, v) for k, v in local.items() if v]
        _copy("monitoring_casestat", stat_cols, rows)
        stat_rows += len(rows)
        for k, v in local.items():
            provinces[regency.parent_id or 0][k] += v
            national[k] += v
        if i % 50 == 0:
            print(f"  {i}/{len(regencies)} regencies, {case_id} cases, {time.time() - t0:.0f} s", flush=True)
    for pid, totals in provinces.items():
        rows = [(pid, ri.pk, *k, v) for k, v in totals.items() if v]
        _copy("monitoring_casestat", stat_cols, rows)
        stat_rows += len(rows)
    rows = [(ri.pk, None, *k, v) for k, v in national.items() if v]
    _copy("monitoring_casestat", stat_cols, rows)
    stat_rows += len(rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE monitoring_casestat; ANALYZE monitoring_casefact")
    print(f"{case_id} cases -> {stat_rows} counter rows in {time.time() - t0:.0f} s", flush=True)


def client_for(username: str, unit: Unit) -> Client:
    user, _ = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.HR, unit=unit)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(label: str, client: Client, unit: Unit, n: int) -> None:
    url = f"/monitoring/?unit={unit.pk}&period=quarter"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    print(f"{label:<28} n={n}  p50 {q[49]:6.1f} ms  p95 {q[94]:6.1f} ms  p99 {q[98]:6.1f} ms", flush=True)


def session_cookie(username: str, unit: Unit) -> str:
    """A logged-in, 2FA-verified session of an HR officer at `unit`, stored as a real login stores it."""
    user, _ = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.HR, unit=unit)
    return bench_env.verified_session(user, _touched=int(time.time()))


def serve(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """gunicorn with sync workers and persistent connections, as the floor runs; stopped by the caller."""
    env = dict(os.environ, LOG_LEVEL="ERROR", CONN_MAX_AGE="600")
    env.pop("DEBUG", None)
    if args.redis:  # checked in parse(); this process uses it too
        env["REDIS_URL"] = args.redis
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(args.workers),  # noqa: S603
                             "-k", "sync", "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
                            cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=0.5).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.3)
    stop(proc)
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    bench_env.stop_group(proc)


def levels() -> list[tuple[str, Unit]]:
    kpu = Unit.objects.filter(institution__code="kpu")
    return [("national", kpu.get(parent=None)), ("province", kpu.get(code="35")), ("regency", kpu.get(code="35.78"))]


def over_http(args: argparse.Namespace) -> int:
    """The dashboard over HTTP at every level; against the floor's /rollup with --floor. 1 if a target is missed."""
    key = session_cookie("bench_hr_ri", levels()[0][1])
    cookie = bench_env.browser_cookie(key)
    proc = serve(args)
    missed = 0
    fl = Floor(port=args.floor_port, workers=args.workers) if args.floor else None
    try:
        if fl:
            fl.__enter__()
        def page(unit: Unit, duration: float, connections: int) -> Run:
            url = f"http://127.0.0.1:{args.port}/monitoring/?unit={unit.pk}&period=quarter"
            return wrk(url, headers=cookie, connections=connections, duration=duration)

        for label, unit in levels():
            # A 200 with the dashboard, not a redirect to the login (wrk counts 3xx as answers).
            for _ in range(args.workers * 2):  # every worker imports the views and opens its connection
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                conn.request("GET", f"/monitoring/?unit={unit.pk}&period=quarter", headers=cookie)
                answer = conn.getresponse()
                body = answer.read().decode()
                conn.close()
                if answer.status != 200 or f"<strong>{html.escape(unit.name)}</strong>" not in body:
                    raise SystemExit(f"dashboard {label}: HTTP {answer.status}, not the dashboard of {unit.name}")
            warm = page(unit, 2 if args.floor else 1, args.connections if args.floor else 2)
            if warm.errors or not warm.requests:
                raise SystemExit(f"dashboard {label}: {warm.errors} errors of {warm.requests} requests")
            if not args.floor:
                print(f"HTTP dashboard {label:<9} {warm}", flush=True)
                continue
            assert fl is not None
            result = compare(
                f"dashboard {label}", rounds=args.floor, max_p99_ratio=2.0,
                marwah=lambda unit=unit: page(unit, args.duration, args.connections),
                floor=lambda: fl.rollup(connections=args.connections, duration=args.duration),
                note=f"load average {Path('/proc/loadavg').read_text().split()[0]}")
            missed += not result.ok
    finally:
        stop(proc)
        if fl:
            fl.stop()
    print(f"dashboard: {missed} of 3 levels miss the target (the FLOOR lines); floor.sh goes on")
    return 0  # the verdict is in the FLOOR lines; a non-zero exit means the benchmark itself failed


def main() -> int:
    args = ARGS
    if args.cold:
        from django.conf import settings

        settings.MARWAH_MONITORING_CACHE_SECONDS = 0
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    if args.smoke and not bench_env.migrated():
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    if not args.skip_generate:
        generate(args.cases)
    if args.floor:
        return over_http(args)
    ri = Unit.objects.get(institution__code="kpu", parent=None)
    regency = Unit.objects.get(institution__code="kpu", code="35.78")
    print(f"counter rows: {CaseStat.objects.count()}, case facts: {CaseFact.objects.count()}")
    measure("national (KPU RI)", client_for("bench_hr_ri", ri), ri, args.requests)
    measure("regency (Kota Surabaya)", client_for("bench_hr_sby", regency), regency, args.requests)
    return over_http(args) if args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
