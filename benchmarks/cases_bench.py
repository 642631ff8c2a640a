"""Case inbox and case page with 10,000 and 1,000,000 cases in the country (PostgreSQL).

    .venv/bin/python benchmarks/cases_bench.py                    # 10k, then grown to 1M (database bench_cases)
    .venv/bin/python benchmarks/cases_bench.py --fresh            # drop and rebuild bench_cases first
    .venv/bin/python benchmarks/cases_bench.py --floor 3 --duration 30   # only the floor comparison (floor.sh)
    .venv/bin/python benchmarks/cases_bench.py --smoke            # seconds: own database bench_smoke_cases

The database (`bench_cases`, or the one in DATABASE_URL when it names a bench_* database) is created and
migrated when missing. Rows are generated set-based (INSERT … SELECT over generate_series): KPU RI, 38
provinces, 532 regencies, 3 Satgas PKS members and 1 leader per province; per case a report, 4 memberships
(the province's team and leader), 2 block tokens and 2 timeline events. Statuses cycle through the five
open ones and "closed", so 5/6 of all cases are open (the worst case for the old inbox query). Cases are
spread evenly over the regencies, so the measured handler (the Satgas chair of province 07) has ~263
cases at 10k and ~26,300 at 1M; every 97th of their cases also carries their own block token (they are
named in it): those must never show.

At each size the script prints the EXPLAIN ANALYZE of the inbox query (now and as it was before issue 14)
and measures, for the same handler:
- in-process, the full Django stack (test client: middleware, session, 2FA, audit row per case read,
  template): inbox and case page p50/p95/p99 and the number of SQL statements;
- over HTTP: gunicorn (`--workers`) + wrk on one connection with a logged-in, 2FA-verified session
  cookie: inbox and case page (a different case on each request) p50/p95/p99.
`--floor ROUNDS` compares both pages with the floor's `/rollup` (benchmarks/floor.py, A B A B) and prints
the FLOOR lines and the absolute targets (inbox p50 <= 30 ms, case page p50 <= 20 ms).
Sessions and the cache are in Redis as in production (`--redis`, database 4, emptied at the start; '' for
PostgreSQL). Everything it starts (gunicorn, the floor, the smoke database) is stopped or dropped on exit, also on
failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
PG = "postgres://postgres@127.0.0.1:5432/"
PATHS_LUA = BENCH / "cases" / "paths.lua"
_cleanups: list[Callable[[], None]] = []


def cleanup() -> None:
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception as exc:  # noqa: BLE001 - keep cleaning up
            print(f"cleanup: {exc}", file=sys.stderr)


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
                           "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=1_000_000, help="cases in the country at the big size")
    ap.add_argument("--small", type=int, default=10_000, help="cases at the first measurement (0: skip)")
    ap.add_argument("--requests", type=int, default=300, help="in-process requests per page and size")
    ap.add_argument("--http-seconds", type=int, default=10, help="wrk duration per page (one connection)")
    ap.add_argument("--port", type=int, default=8340)
    ap.add_argument("--floor-port", type=int, default=8341)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16, help="wrk connections in the floor comparison")
    ap.add_argument("--floor", type=int, default=0, metavar="ROUNDS", help="compare with the floor only")
    ap.add_argument("--duration", type=int, default=30, help="seconds per floor-comparison run")
    ap.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database first")
    ap.add_argument("--smoke", action="store_true", help="tiny run in seconds on bench_smoke_cases")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/4",
                    help="sessions and cache, as in production ('' for the database); emptied at the start")
    ap.add_argument("--lock", action="store_true",
                    help="take /tmp/bench.lock around each measurement (do not also wrap the script in flock)")
    args = ap.parse_args()
    if args.smoke:
        args.cases, args.small, args.requests, args.http_seconds, args.lock = 400, 200, 10, 1, False
        args.duration, args.workers, args.connections = 1, 1, 2
        args.floor = min(args.floor, 1)
        args.port, args.floor_port = args.port + 2, args.floor_port + 2  # never the full run's ports
    return args


def prepare_database(args: argparse.Namespace) -> str:
    """Pick, create (and for --smoke, drop at exit) the database, then set the environment for Django."""
    if args.smoke:
        name = "bench_smoke_cases"
        data_dir = tempfile.mkdtemp(prefix="bench_smoke_cases-")
        _cleanups.append(lambda: shutil.rmtree(data_dir, ignore_errors=True))
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"CREATE DATABASE {name}")
        _cleanups.append(lambda: psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        os.environ["MARWAH_DATA_DIR"] = data_dir
        url = PG + name
    else:
        url = os.environ.get("DATABASE_URL") or PG + "bench_cases"
        name = url.rsplit("/", 1)[-1]
        if not name.startswith("bench"):
            raise SystemExit(f"use a bench_* database, not {name}")
        if args.fresh:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            psql(f"CREATE DATABASE {name}")
        os.environ.setdefault("MARWAH_DATA_DIR", "/tmp/bench-cases-data")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
    if args.redis and subprocess.run(["redis-cli", "-u", args.redis, "FLUSHDB"], capture_output=True,  # noqa: S607
                                     check=False).returncode == 0:
        # Production's settings (docs/deploy.md): sessions and the cache in Redis, for this process and
        # gunicorn alike. The database is this benchmark's own: emptied, so no cached row of another
        # benchmark database (a user's grants, say) is ever read here.
        os.environ["REDIS_URL"] = args.redis
    else:
        args.redis = ""
    return name


def step(label: str, sql: str, params: list | None = None) -> float:
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        n = cur.rowcount
    took = time.perf_counter() - t
    print(f"  {label:<34} {n:>10,} rows {took:7.1f} s", flush=True)
    return took


def build_base() -> None:
    from marwah.accounts.models import Role, RoleAssignment, User
    from marwah.orgs.models import Institution, UnitKind
    from marwah.orgs.services import UnitSpec, create_units

    if Institution.objects.filter(code="kpu").exists():
        return
    kpu = Institution.objects.create(code="kpu", name="Komisi Pemilihan Umum", short_name="KPU",
                                     kind=Institution.Kind.ELECTION_COMMISSION)
    [ri] = create_units(institution=kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
    provinces = create_units(institution=kpu, parent=ri, specs=[
        UnitSpec(UnitKind.KPU_PROVINCE, f"P{i:02d}", f"KPU Provinsi {i:02d}") for i in range(38)])
    for i, prov in enumerate(provinces):
        create_units(institution=kpu, parent=prov, specs=[
            UnitSpec(UnitKind.KPU_REGENCY, f"P{i:02d}.{j:02d}", f"KPU Kabupaten {i:02d}.{j:02d}")
            for j in range(514 // 38 + 1)])
        for k in range(3):
            user = User.objects.create_user(username=f"satgas_{i:02d}_{k}", password=None,
                                            email=f"satgas_{i:02d}_{k}@bench.invalid")
            RoleAssignment.objects.create(user=user, role=Role.SATGAS_PKS, unit=prov, is_chair=k == 0)
        leader = User.objects.create_user(username=f"leader_{i:02d}", password=None)
        RoleAssignment.objects.create(user=leader, role=Role.UNIT_LEADER, unit=prov)


def grow(to: int, handler_token: str) -> None:
    """Add cases (with reports, members, blocks, events) until the country has `to` of them."""
    from django.db import connection

    from marwah.cases.models import Case

    have = Case.objects.count()
    if have >= to:
        return
    print(f"growing from {have:,} to {to:,} cases", flush=True)
    kpu = Case._meta.get_field("institution").related_model.objects.get(code="kpu").pk
    last_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    t = time.perf_counter()
    step("reports", """
        WITH kab AS (SELECT array_agg(id ORDER BY id) AS ids FROM orgs_unit WHERE kind = 'kpu_kab')
        INSERT INTO reporting_report (public_id, category, kind, institution_id, unit_id, unit_path, submitted_at,
               is_anonymous, evidence_count, content, identity, identity_key)
        SELECT 'b' || lpad(to_hex(g), 10, '0') || substr(md5(g::text), 1, 5), 'sexual_violence',
               (ARRAY['sv_electronic','sv_nonphysical','sv_physical'])[1 + g %% 3], %s, u.id, u.path,
               now() - (g %% 700) * interval '1 day' - (g %% 977) * interval '1 minute', true, 0, '', '', ''
        FROM generate_series(%s, %s) g CROSS JOIN kab
        JOIN orgs_unit u ON u.id = kab.ids[1 + g %% array_length(kab.ids, 1)]""", [kpu, have + 1, to])
    step("cases", """
        INSERT INTO cases_case (report_id, public_id, reference, internal, category, kind, institution_id, unit_id,
               handling_unit_id, team_kind, escalated_for_conflict, status, stage, stage_started, stage_due,
               stage_catalog_version, repeat_flag, accused_employment_type, rejection_reason_enc,
               created_at, updated_at, closed_at)
        SELECT r.id, r.public_id, 'KS-B-' || r.id, false, r.category, r.kind, r.institution_id, r.unit_id,
               u.parent_id, 'satgas', false, s.status,
               CASE WHEN s.status = 'closed' THEN '' ELSE 'verification' END, r.submitted_at::date,
               CASE WHEN s.status = 'closed' THEN NULL ELSE r.submitted_at::date + (5 + r.id %% 30)::int END,
               '', r.id %% 41 = 0, 'pns', '', r.submitted_at, r.submitted_at,
               CASE WHEN s.status = 'closed' THEN r.submitted_at + interval '30 days' END
        FROM reporting_report r JOIN orgs_unit u ON u.id = r.unit_id
        CROSS JOIN LATERAL (SELECT (ARRAY['received','verified','examination','decision','follow_up','closed'])
                                   [1 + r.id %% 6] AS status) s
        WHERE r.id > (SELECT coalesce(max(report_id), 0) FROM cases_case)""", [])
    step("members", """
        INSERT INTO cases_casemember (case_id, user_id, reason, is_chair, is_active, added_at,
               case_open, case_due, case_created)
        SELECT c.id, ra.user_id, CASE WHEN ra.role = 'leader' THEN 'leader' ELSE 'team' END, ra.is_chair, true,
               c.created_at, c.status <> 'closed', c.stage_due, c.created_at
        FROM cases_case c JOIN accounts_roleassignment ra ON ra.unit_id = c.handling_unit_id
        WHERE c.id > %s""", [last_case])
    step("blocks", """
        INSERT INTO cases_caseblock (case_id, token)
        SELECT c.id, md5(c.id::text || '-' || k) || md5(k || '-' || c.id::text)
        FROM cases_case c CROSS JOIN generate_series(1, 2) k WHERE c.id > %s""", [last_case])
    # The measured handler is named in some of their own cases: the inbox and case page must hide them.
    step("blocks naming the handler", """
        INSERT INTO cases_caseblock (case_id, token)
        SELECT m.case_id, %s FROM cases_casemember m JOIN accounts_user u ON u.id = m.user_id
        WHERE u.username = 'satgas_07_0' AND m.case_id > %s AND m.case_id %% 97 = 0""", [handler_token, last_case])
    step("events", """
        INSERT INTO cases_caseevent (case_id, at, kind, status, reporter_visible)
        SELECT c.id, c.created_at + k * interval '1 hour', CASE k WHEN 1 THEN 'received' ELSE 'status' END,
               c.status, true
        FROM cases_case c CROSS JOIN generate_series(1, 2) k WHERE c.id > %s""", [last_case])
    with connection.cursor() as cur:
        t2 = time.perf_counter()
        cur.execute("ANALYZE")
        print(f"  {'ANALYZE':<34} {'':>15} {time.perf_counter() - t2:7.1f} s")
    print(f"generated {to - have:,} cases in {time.perf_counter() - t:.1f} s", flush=True)


@contextlib.contextmanager
def bench_lock(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """With --lock, hold /tmp/bench.lock (as `flock /tmp/bench.lock`) while measuring, not while generating.
    Without it the caller is expected to run the whole script under flock."""
    if not args.lock:
        yield
        return
    with open("/tmp/bench.lock", "a") as f:  # noqa: S108 - the machine's shared benchmark lock
        t = time.perf_counter()
        fcntl.flock(f, fcntl.LOCK_EX)
        print(f"(waited {time.perf_counter() - t:.0f} s for /tmp/bench.lock)", flush=True)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):6.1f} ms  p95 {pct(values, 95):6.1f} ms  p99 {pct(values, 99):6.1f} ms"


def handler_session(user) -> str:  # type: ignore[no-untyped-def]
    """A logged-in, 2FA-verified session (as after a real login with TOTP)."""
    import bench_env

    return bench_env.verified_session(user)


def old_inbox_query(user):  # type: ignore[no-untyped-def]
    """The inbox query as it was before issue 14 (cases filtered by membership, sorted by the case)."""
    from marwah.cases.models import OPEN_STATUSES
    from marwah.cases.selectors import visible_cases

    return (visible_cases(user).filter(status__in=OPEN_STATUSES).select_related("handling_unit", "unit", "assignee")
            .order_by("stage_due", "-created_at")[:100])


def explain(user, verbose: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Print the plans; return the execution times (ms) of the inbox query now and as it was."""
    from django.utils import timezone

    from marwah.cases.selectors import inbox_members

    times = []
    for label, qs in [("now", inbox_members(user, status="open", today=timezone.localdate())[:100]),
                      ("before issue 14", old_inbox_query(user))]:
        best = float("inf")
        for _ in range(5):
            plan = qs.explain(analyze=True, buffers=True)
            best = min(best, float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))  # type: ignore[union-attr]
        times.append(best)
        if verbose:
            print(f"EXPLAIN ANALYZE inbox query ({label}), best execution {best:.2f} ms:")
            print("\n".join("    " + line for line in plan.splitlines()), flush=True)
    return times[0], times[1]


def in_process(user, key: str, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The full stack in this process (Django test client with the session cookie)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from marwah.audit.models import AuditEntry
    from marwah.cases.models import Case, CaseMember
    from marwah.cases.routing import user_token

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    mine = CaseMember.objects.filter(user=user, is_active=True).exclude(case__blocks__token=user_token(user.pk))
    ids = list(mine.order_by("?").values_list("case__public_id", flat=True)[:n])
    named = (Case.objects.filter(members__user=user, blocks__token=user_token(user.pk))
             .values_list("public_id", flat=True).first())
    outside = Case.objects.exclude(members__user=user).values_list("public_id", flat=True).first()
    for pid in ids[:10]:  # warm-up: imports, catalogs, templates, connection
        assert client.get(f"/kasus/{pid}/").status_code == 200
        assert client.get("/kasus/").status_code == 200
    audits = AuditEntry.objects.filter(action="case.read", actor_id=user.pk).count()
    page, inbox, page_cpu, inbox_cpu = [], [], [], []
    for pid in ids:
        t, cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/kasus/{pid}/")
        page.append((time.perf_counter() - t) * 1000)
        page_cpu.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
    for _ in range(len(ids)):
        t, cpu = time.perf_counter(), time.process_time()
        response = client.get("/kasus/")
        inbox.append((time.perf_counter() - t) * 1000)
        inbox_cpu.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
    body = response.content.decode()
    assert AuditEntry.objects.filter(action="case.read", actor_id=user.pk).count() == audits + len(ids), \
        "every case read is audited"
    q_page: list[str] = []
    q_inbox: list[str] = []
    for log, path in [(q_page, f"/kasus/{ids[0]}/"), (q_inbox, "/kasus/")]:
        with connection.execute_wrapper(lambda execute, sql, *a, log=log: (log.append(sql), execute(sql, *a))[1]):
            assert client.get(path).status_code == 200
    # The checks hold at this size: named in a case -> 404 and not listed; another province's case -> 404.
    if named:
        assert client.get(f"/kasus/{named}/").status_code == 404 and named not in body
    assert outside and client.get(f"/kasus/{outside}/").status_code == 404
    anonymous = Client()
    assert anonymous.get(f"/kasus/{ids[0]}/").status_code == 302
    return {"page": page, "inbox": inbox, "q_page": len(q_page), "q_inbox": len(q_inbox), "paths": ids,
            "page_cpu": statistics.median(page_cpu), "inbox_cpu": statistics.median(inbox_cpu)}


class Server:
    """Marwah under gunicorn on our port; always stopped (cleanup registered before it starts)."""

    def __init__(self, args: argparse.Namespace):
        self.args, self.proc = args, None  # type: ignore[var-annotated]
        self.url = f"http://127.0.0.1:{args.port}"

    def __enter__(self) -> Server:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="marwah.settings", DEBUG="0", LOG_LEVEL="ERROR",
                   CONN_MAX_AGE="600")
        _cleanups.append(self.stop)
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(self.args.workers), "-b",
             f"127.0.0.1:{self.args.port}", "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
        for _ in range(150):
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /health/")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wrk_paths(url: str, key: str, paths: list[str], *, seconds: int, connections: int = 1,  # type: ignore[no-untyped-def]
              strict: bool = True):
    """wrk over the given paths with the session cookie; the floor module's Run plus (p50, p95, p99)."""
    from floor import parse_wrk

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    try:
        out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
                              "-s", str(PATHS_LUA), "-H", f"Cookie: sessionid={key}", url],
                             capture_output=True, text=True, check=True, env=dict(os.environ, PATHS=f.name)).stdout
    finally:
        os.unlink(f.name)
    run = parse_wrk(out)
    m = re.search(r"PCTL p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", out)
    assert m, out
    if run.errors and strict:  # in the floor comparison errors are counted (and fail the target) instead
        raise SystemExit(f"wrk: {run.errors} errors (non-2xx or socket)\n{out}")
    return run, tuple(float(x) for x in m.groups())


def measure(args: argparse.Namespace, size: int, user, key: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from marwah.cases.models import Case, CaseMember

    total = Case.objects.count()
    handled = CaseMember.objects.filter(user=user, is_active=True).count()
    opened = CaseMember.objects.filter(user=user, is_active=True, case_open=True).count()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\n== {total:,} cases in the country; {user.username} is on {handled:,} ({opened:,} open); "
          f"load average {' '.join(load)}", flush=True)
    now_ms, before_ms = explain(user, verbose=True)
    result = in_process(user, key, args.requests)
    print(f"in-process  inbox      n={len(result['inbox'])}  {summary(result['inbox'])}  "  # type: ignore[arg-type]
          f"({result['q_inbox']} SQL statements, Python CPU p50 {result['inbox_cpu']:.1f} ms)")
    print(f"in-process  case page  n={len(result['page'])}  {summary(result['page'])}  "  # type: ignore[arg-type]
          f"({result['q_page']} SQL statements, Python CPU p50 {result['page_cpu']:.1f} ms)")
    with Server(args) as server:
        wrk_paths(server.url, key, ["/kasus/"], seconds=1)  # warm-up of every worker
        wrk_paths(server.url, key, [f"/kasus/{p}/" for p in result["paths"]], seconds=1)  # type: ignore[attr-defined]
        inbox_run, inbox_p = wrk_paths(server.url, key, ["/kasus/"], seconds=args.http_seconds)
        page_run, page_p = wrk_paths(server.url, key, [f"/kasus/{p}/" for p in result["paths"]],  # type: ignore[attr-defined]
                                     seconds=args.http_seconds)
    print(f"HTTP, 1 connection  inbox      n={inbox_run.requests}  p50 {inbox_p[0]:6.1f} ms  p95 {inbox_p[1]:6.1f} ms  "
          f"p99 {inbox_p[2]:6.1f} ms")
    print(f"HTTP, 1 connection  case page  n={page_run.requests}  p50 {page_p[0]:6.1f} ms  p95 {page_p[1]:6.1f} ms  "
          f"p99 {page_p[2]:6.1f} ms")
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"inbox query alone: {now_ms:.2f} ms (before issue 14: {before_ms:.2f} ms); load average after "
          f"{' '.join(load)}", flush=True)
    return {"size": total, "handled": handled, "inbox_http": inbox_p, "page_http": page_p,
            "inbox_in": statistics.median(result["inbox"]), "page_in": statistics.median(result["page"]),  # type: ignore[arg-type]
            "query_now": now_ms, "query_before": before_ms}


def floor_compare(args: argparse.Namespace, user, key: str) -> bool:  # type: ignore[no-untyped-def]
    from floor import Floor, compare

    from marwah.cases.models import Case, CaseMember
    from marwah.cases.routing import user_token

    total = Case.objects.count()
    paths = [f"/kasus/{p}/" for p in CaseMember.objects.filter(user=user, is_active=True)
             .exclude(case__blocks__token=user_token(user.pk)).order_by("?")
             .values_list("case__public_id", flat=True)[:500]]
    note = f"{total:,} cases, load {Path('/proc/loadavg').read_text().split()[0]}"
    ok = True
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)  # the floor's own manage.py and wsgi pick their settings
    with Server(args) as server, Floor(port=args.floor_port, workers=args.workers) as fl:
        _cleanups.append(fl.stop)
        wrk_paths(server.url, key, ["/kasus/"], seconds=2)
        wrk_paths(server.url, key, paths, seconds=2)
        kw = {"connections": args.connections, "duration": args.duration}
        for name, page_paths in [("cases-inbox", ["/kasus/"]), ("cases-page", paths)]:
            compare(name, marwah=lambda pp=page_paths: wrk_paths(server.url, key, pp, seconds=args.duration,
                                                                 connections=args.connections, strict=False)[0],
                    floor=lambda: fl.rollup(**kw), rounds=args.floor, note=note)
        # The absolute targets, what one handler sees (one connection).
        inbox = wrk_paths(server.url, key, ["/kasus/"], seconds=max(2, args.duration // 3))[1]
        page = wrk_paths(server.url, key, paths, seconds=max(2, args.duration // 3))[1]
    for name, p, target in [("cases-inbox", inbox, 30.0), ("cases-page", page, 20.0)]:
        met = p[0] <= target
        ok &= met
        print(f"TARGET {name} | p50 {p[0]:.1f} ms p95 {p[1]:.1f} ms p99 {p[2]:.1f} ms (HTTP, 1 connection) | "
              f"target p50 <= {target:.0f} ms {'MET' if met else 'NOT MET'} | {note}", flush=True)
    return ok


def main() -> int:
    args = parse()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    name = prepare_database(args)
    import bench_env

    bench_env.apply()
    import django

    django.setup()
    from django.core.management import call_command

    from marwah.accounts.models import User
    from marwah.cases.routing import user_token

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    build_base()
    user = User.objects.get(username="satgas_07_0")  # the chair: the full page with the assignment form
    key = handler_session(user)
    token = user_token(user.pk)
    print(f"database {name}; handler {user.username}; sizes {args.small:,} and {args.cases:,}; sessions and cache "
          f"in {args.redis or 'the database'}", flush=True)
    if args.floor:
        grow(args.cases, token)
        with bench_lock(args):
            try:
                floor_compare(args, user, key)
            except subprocess.CalledProcessError as exc:  # floor.sh setup says why on stderr
                print(f"{exc.cmd} failed:\n{exc.stdout or ''}{exc.stderr or ''}", file=sys.stderr)
                raise
        print(f"done in {time.perf_counter() - started:.0f} s")
        return 0  # the FLOOR and TARGET lines say MET or NOT MET; floor.sh goes on with the next target
    results = []
    for size in [s for s in (args.small, args.cases) if s]:
        from marwah.cases.models import Case

        if Case.objects.count() > size:
            print(f"(skipping {size:,}: the database already has more cases; --fresh rebuilds it)")
            continue
        grow(size, token)
        if args.smoke and size != args.cases:
            continue  # the smoke run grows twice (the incremental SQL) and measures once
        with bench_lock(args):
            results.append(measure(args, size, user, key))
    if len(results) == 2:
        a, b = results
        print(f"\nSUMMARY {a['size']:,} -> {b['size']:,} cases (handler on {a['handled']:,} -> {b['handled']:,}): "
              f"inbox HTTP p50 {a['inbox_http'][0]:.1f} -> {b['inbox_http'][0]:.1f} ms, "  # type: ignore[index]
              f"case page HTTP p50 {a['page_http'][0]:.1f} -> {b['page_http'][0]:.1f} ms, "  # type: ignore[index]
              f"inbox query {a['query_now']:.2f} -> {b['query_now']:.2f} ms "
              f"(before issue 14: {a['query_before']:.2f} -> {b['query_before']:.2f} ms)")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
