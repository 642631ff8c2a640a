"""Socialisation at national scale: QR check-ins per second under concurrent HTTP load, coverage latency.

Usage (from the repository root; a separate database, never `test`):
  createdb -h 127.0.0.1 -U postgres bench_social
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_social
  .venv/bin/marwah migrate -v0 && .venv/bin/marwah createcachetable
  .venv/bin/python benchmarks/socialisation_bench.py generate [--kpps 820000] [--targets 40000]
  .venv/bin/python benchmarks/socialisation_bench.py run [--workers 3] [--connections 16] [--duration 30]
  (keep the same MARWAH_DATA_DIR for all steps: the session cookies are signed with its secret key;
  `... targets` writes fresh check-in sessions.)

`generate` builds the KPU tree of benchmarks/pledges_generate.py (set-based SQL; --kpps sets its size),
counts people per unit with the real `refresh_headcounts`, marks 30% of everyone as already reached by
the topic this year (set-based, as if earlier sessions had run), opens one national hybrid session for
the whole tree, and writes one check-in session per sampled person (a one-time code's browser session
that has just scanned the room's QR code) to benchmarks/out/social/targets.txt.
`run` starts gunicorn, drives `POST /sosialisasi/sesi/<id>/hadir/` with wrk (every request a different
person), counts the attendance rows really written, checks the counters against the rows, and times the
coverage page over HTTP and the coverage read alone at each level.

`--smoke` (as the only command: `socialisation_bench.py --smoke`): generate, run and the checks on a
tree of ~100 units in a throwaway database (`bench_smoke_socialisation_bench`), output in a temporary
folder, 1 s of load and coverage per level; seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
import bench_env  # noqa: E402

SMOKE = __name__ == "__main__" and "--smoke" in sys.argv
if SMOKE:  # before Django starts: its own database, its own folders
    import atexit
    import shutil
    import tempfile

    bench_env.smoke_database("socialisation_bench")
    if "MARWAH_DATA_DIR" not in os.environ:
        os.environ["MARWAH_DATA_DIR"] = tempfile.mkdtemp(prefix="marwah-social-smoke-")
        atexit.register(shutil.rmtree, os.environ["MARWAH_DATA_DIR"], True)


def _bench_secrets() -> None:
    """Without DEBUG the settings are production's: secrets only from the environment (else a throw-away key
    per process, and the check-in cookies of `targets` would not verify in gunicorn). Every step and the server
    read the same files in MARWAH_DATA_DIR/keys."""
    import secrets

    keys = Path(os.environ.setdefault("MARWAH_DATA_DIR", "/tmp/soc_bench_data")) / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for name in ("SECRET_KEY", "MARWAH_FILE_KEY", "MARWAH_MATCH_SECRET"):
        path = keys / name.lower()
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        os.environ.setdefault(f"{name}_FILE", str(path))
    os.environ.setdefault("SITE_URL", "https://127.0.0.1")


_bench_secrets()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "social"  # git-ignored
if SMOKE:
    OUT = Path(os.environ["MARWAH_DATA_DIR"]) / "social"
# Units per level (and people per unit): the national tree; --smoke makes a tiny one of the same shape.
LEVELS = [("kpu_ri", 1, 1000), ("kpu_prov", 38, 40), ("kpu_kab", 514, 30), ("ppk", 7_300, 5),
          ("pps", 83_700, 3), ("kpps", 820_000, 7)]
SMOKE_LEVELS = [("kpu_ri", 1, 10), ("kpu_prov", 2, 5), ("kpu_kab", 4, 5), ("ppk", 8, 3), ("pps", 16, 3), ("kpps", 60, 7)]
B36 = """
CREATE OR REPLACE FUNCTION pg_temp.b36(n bigint) RETURNS text AS $$
DECLARE d text := '0123456789abcdefghijklmnopqrstuvwxyz'; s text := ''; BEGIN
  WHILE n > 0 LOOP s := substr(d, (n % 36)::int + 1, 1) || s; n := n / 36; END LOOP;
  RETURN lpad(s, 7, '0') || '/'; END $$ LANGUAGE plpgsql IMMUTABLE;
"""


def step(label: str, sql: str, params: list | None = None) -> None:
    t = time.time()
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        n = cur.rowcount
    print(f"{label:<40} {n:>10} rows {time.time() - t:7.1f} s", flush=True)


def build_tree(kpps: int) -> int:
    """The same shape and SQL as benchmarks/pledges_generate.py."""
    levels = SMOKE_LEVELS if SMOKE else [*LEVELS[:-1], ("kpps", kpps, 7)]
    with connection.cursor() as cur:
        cur.execute(B36)
        cur.execute("INSERT INTO orgs_institution (code, name, short_name, kind) VALUES "
                    "('kpu', 'Komisi Pemilihan Umum', 'KPU', 'election') RETURNING id")
        inst = cur.fetchone()[0]
    start, prev_start, prev_count = 1, None, None
    for depth, (kind, count, _) in enumerate(levels):
        if prev_start is None:
            step(f"units {kind}", "INSERT INTO orgs_unit (id, institution_id, parent_id, path, depth, kind, code, "
                 "name, is_active) SELECT g, %s, NULL, pg_temp.b36(g), 0, %s, 'RI', 'KPU RI', true "
                 "FROM generate_series(%s, %s) g", [inst, kind, start, start])
        else:
            step(f"units {kind}",
                 "INSERT INTO orgs_unit (id, institution_id, parent_id, path, depth, kind, code, name, is_active) "
                 "SELECT g, %s, p.id, p.path || pg_temp.b36(g), %s, %s, %s || g, %s || ' ' || g, true "
                 "FROM generate_series(%s, %s) g JOIN orgs_unit p ON p.id = %s + ((g - %s) %% %s)",
                 [inst, depth, kind, kind.upper() + "-", kind.upper(), start, start + count - 1, prev_start, start,
                  prev_count])
        prev_start, prev_count = start, count
        start += count
    step("unit id sequence", "SELECT setval(pg_get_serial_sequence('orgs_unit', 'id'), (SELECT max(id) FROM orgs_unit))")
    for kind, _, per_unit in levels:
        step(f"people in {kind}",
             "INSERT INTO people_employee (institution_id, unit_id, unit_path, nip, employee_number, name, position, "
             "employment_type, gender, email, phone, is_active, updated_at) "
             "SELECT u.institution_id, u.id, u.path, NULL, u.id || '-' || g, 'Petugas ' || u.id || '-' || g, "
             "'Anggota', 'ad_hoc', '', '', '', true, now() FROM orgs_unit u CROSS JOIN generate_series(1, %s) g "
             "WHERE u.kind = %s", [per_unit, kind])
    step("analyze", "ANALYZE")
    return inst


def generate(args: argparse.Namespace) -> None:
    from marwah.orgs.models import Institution, Unit
    from marwah.socialisation import services

    t0 = time.time()
    inst = Institution.objects.filter(code="kpu").first()
    if inst is None:
        build_tree(args.kpps)
        inst = Institution.objects.get(code="kpu")
    print(f"tree and people: {time.time() - t0:.0f} s", flush=True)
    t = time.time()
    units = services.refresh_headcounts(institution=inst)
    print(f"refresh_headcounts: {units} units in {time.time() - t:.1f} s", flush=True)
    topic = services.ensure_default_topics(institution=inst)[0]
    root = Unit.objects.get(institution=inst, depth=0)
    now = timezone.now()
    year, quarter = services.buckets_for(timezone.localdate(now))
    # 30% of everyone already reached this year (earlier sessions): Reach rows and rollup tallies, set-based.
    for bucket in (year, quarter):
        step(f"reach {bucket}", "INSERT INTO socialisation_reach (topic_id, bucket, employee_id, unit_path) "
             "SELECT %s, %s, id, unit_path FROM people_employee WHERE institution_id = %s AND id %% 10 < 3 "
             "ON CONFLICT DO NOTHING", [topic.pk, bucket, inst.pk])
        with connection.cursor() as cur:
            cur.execute("SELECT max(length(unit_path)) FROM people_employee")
            longest = cur.fetchone()[0]
        for length in range(8, longest + 1, 8):
            step(f"  tallies at path length {length}",
                 "INSERT INTO socialisation_topictally (topic_id, bucket, unit_id, parent_unit_id, shard, reached) "
                 "SELECT %s, %s, u.id, u.parent_id, 0, x.n FROM (SELECT substr(unit_path, 1, %s) p, count(*) n "
                 "FROM socialisation_reach WHERE topic_id = %s AND bucket = %s AND length(unit_path) >= %s "
                 "GROUP BY 1) x JOIN orgs_unit u ON u.path = x.p ON CONFLICT (topic_id, bucket, unit_id, shard) "
                 "DO UPDATE SET reached = excluded.reached",
                 [topic.pk, bucket, length, topic.pk, bucket, length])
    from marwah.accounts.models import User

    actor, _ = User.objects.get_or_create(username="bench_admin")
    session = services.create_session(
        actor=actor, kind="rakor", mode="hybrid", title="Rakor Penguatan Etika dan Sosialisasi Keputusan KPU 1341/2024",
        topics=[topic], host_unit=root, participating=[root], starts_at=now - timezone.timedelta(minutes=10),
        ends_at=now + timezone.timedelta(days=3), place="Ruang Sidang Utama KPU RI",
        meeting_url="https://zoom.us/j/0")
    step("analyze", "ANALYZE")
    make_targets(session, args.targets)


def make_targets(session, count: int) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as DjangoSession

    from marwah.socialisation.selectors import CODE_SESSION_KEY, CODE_SESSION_UNTIL, GRANT_KEY

    with connection.cursor() as cur:  # a random sample without sorting millions of rows
        sample = "" if SMOKE else "TABLESAMPLE SYSTEM (5)"  # a tiny table may have no page in a 5% sample
        cur.execute(f"SELECT id FROM people_employee e {sample} WHERE id %% 10 >= 3 AND NOT EXISTS "  # noqa: S608
                    "(SELECT 1 FROM socialisation_attendance a WHERE a.session_id = %s AND a.employee_id = e.id) "
                    "LIMIT %s", [session.pk, count])
        ids = [row[0] for row in cur.fetchall()]
    store, until = SessionStore(), time.time() + 3 * 86400
    expire = timezone.now() + timezone.timedelta(days=3)
    prefix = f"s{int(time.time()) % 100000:05d}"
    rows, keys = [], []
    for i, employee_id in enumerate(ids):
        key = f"{prefix}{i:06d}".ljust(32, "x")
        data = store.encode({CODE_SESSION_KEY: employee_id, CODE_SESSION_UNTIL: until,
                             # Stamped as the scan's GET has just saved it (the grant): no second write on the POST.
                             GRANT_KEY: {str(session.pk): until}, "_touched": int(time.time()) + 3600})
        rows.append(DjangoSession(session_key=key, session_data=data, expire_date=expire))
        keys.append(key)
    DjangoSession.objects.bulk_create(rows, batch_size=5000)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "targets.txt").write_text("\n".join(keys) + "\n")
    (OUT / "session.txt").write_text(str(session.pk))
    print(f"{len(keys)} check-in sessions; socialisation session {session.pk}", flush=True)


def timed(fn, runs: int = 60) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def admin_session() -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from marwah.accounts.models import Role, RoleAssignment, User
    from marwah.orgs.models import Unit

    user, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN, unit=Unit.objects.get(depth=0))
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    store = SessionStore()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "marwah.accounts.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id,
                  "_touched": int(time.time()) + 86400})
    store.create()
    return store.session_key


def server(args: argparse.Namespace) -> subprocess.Popen:
    # Production settings with the secrets of _bench_secrets(); plain HTTP on loopback (no TLS redirect).
    env = dict(os.environ, DEBUG="0", LOG_LEVEL="ERROR", CONN_MAX_AGE="600", SECURE_SSL_REDIRECT="0")
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(args.workers),
                             "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # up, and a worker answers (no database work)
        if subprocess.run(["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{args.port}/health/"],  # noqa: S607
                          check=False).returncode == 0:
            return proc
        time.sleep(0.3)
    proc.terminate()
    proc.wait()
    raise SystemExit("gunicorn did not start")


def wrk_summary(out: str) -> str:
    rps = next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[-1]
    lat = {p: next(line.split()[1] for line in out.splitlines() if line.strip().startswith(p))
           for p in ("50%", "99%")}
    return f"{rps:>8} req/s  p50 {lat['50%']:>8}  p99 {lat['99%']:>8}{'  non-2xx!' if 'Non-2xx' in out else ''}"


def run(args: argparse.Namespace) -> None:
    from marwah.orgs.models import Unit
    from marwah.socialisation import selectors
    from marwah.socialisation.models import Attendance, Reach, Session, Topic, TopicTally

    session = Session.objects.get(pk=int((OUT / "session.txt").read_text()))
    topic = Topic.objects.get(key="pks-1341")
    year = services_year(session)
    proc = server(args)
    try:
        if not args.skip_load:
            # Warm-up (not counted): every worker's first requests import views, load catalogs and templates
            # and open its connection. Its people are kept apart from the measured ones (no re-check-ins).
            keys = (OUT / "targets.txt").read_text().split()
            (OUT / "warmup.txt").write_text("\n".join(keys[:args.warmup_people]) + "\n")
            (OUT / "load.txt").write_text("\n".join(keys[args.warmup_people:]) + "\n")

            def load(targets: str, connections: int, seconds: int) -> str:
                return subprocess.run(
                    ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                     "benchmarks/socialisation/checkin.lua", f"http://127.0.0.1:{args.port}"], cwd=ROOT,
                    capture_output=True, text=True, check=True,
                    env=dict(os.environ, WRK_THREADS="2", TARGETS=str(OUT / targets), SESSION=str(session.pk))).stdout

            if args.warmup:
                load("warmup.txt", max(2, args.workers), args.warmup)
            before = Attendance.objects.filter(session=session).count()
            t = time.time()
            out = load("load.txt", args.connections, args.duration)
            elapsed = time.time() - t
            after = Attendance.objects.filter(session=session).count()
            print(out)
            print(f"check-ins recorded: {after - before} in {elapsed:.1f} s = {(after - before) / elapsed:.0f} /s")
            if after == before or "Non-2xx" in out:
                raise SystemExit("check-ins: none recorded, or error answers")
            out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.sample}s", "--latency",
                                  f"http://127.0.0.1:{args.port}/health/"], capture_output=True, text=True,
                                 check=True).stdout
            print(f"calibration: GET /health/ (no database work) {wrk_summary(out)}")
        if args.skip_coverage:
            return
        key = admin_session()
        levels = [("national", Unit.objects.get(depth=0)), ("province", Unit.objects.filter(depth=1).order_by("id")[0]),
                  ("regency", Unit.objects.filter(depth=2).order_by("id")[0]),
                  ("village (PPS)", Unit.objects.filter(depth=4).order_by("id")[0])]
        for label, unit in levels:
            url = f"http://127.0.0.1:{args.port}/sosialisasi/cakupan/?unit={unit.pk}&topic={topic.pk}&period={year}"
            cmd = ["wrk", "-t1", "-c1", "-H", f"Cookie: sessionid={key}", url]
            subprocess.run([*cmd[:3], f"-d{min(2, args.sample)}s", *cmd[3:]], capture_output=True, check=True)
            out = subprocess.run([*cmd[:3], f"-d{args.sample}s", "--latency", *cmd[3:]], capture_output=True, text=True,
                                 check=True).stdout
            if "Non-2xx" in out or " 0 requests in" in out:
                raise SystemExit(f"coverage page {label}: no answer or errors\n{out}")
            print(f"HTTP coverage page {label:<14} {wrk_summary(out)}")
    finally:
        proc.terminate()
        proc.wait()
    for label, unit in levels:
        children = len(selectors.coverage_children(topic, year, unit))
        median, p99 = timed(lambda unit=unit: (selectors.coverage(topic, year, unit),
                                               selectors.coverage_children(topic, year, unit)))
        print(f"coverage read {label:<14} median {median:6.2f} ms  p99 {p99:6.2f} ms  ({children} child rows)")
    root = levels[0][1]
    tally = selectors.coverage(topic, year, root)
    rows = Reach.objects.filter(topic=topic, bucket=year).count()
    print(f"counters: {tally.reached} reached of {tally.in_scope} people; Reach rows {rows}; "
          f"tally rows {TopicTally.objects.filter(topic=topic, bucket=year).count()}")
    present = selectors.session_counts(session, root)[0]
    rows_present = Attendance.objects.filter(session=session).count()
    print(f"session tally says {present} present; attendance rows {rows_present}")
    if present != rows_present or tally.reached != rows:
        raise SystemExit("counters differ from the rows")


def services_year(session) -> str:
    from marwah.socialisation import services

    return services.buckets_for(timezone.localdate(session.starts_at))[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["generate", "targets", "run"], nargs="?" if SMOKE else None)
    ap.add_argument("--kpps", type=int, default=820_000)
    ap.add_argument("--targets", type=int, default=40_000)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--port", type=int, default=8610)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--warmup", type=int, default=3, help="seconds of uncounted check-ins first (0: none)")
    ap.add_argument("--warmup-people", type=int, default=2000)
    ap.add_argument("--skip-coverage", action="store_true", help="check-ins only (no coverage timings)")
    ap.add_argument("--sample", type=int, default=10, help="seconds of each coverage and calibration run")
    ap.add_argument("--smoke", action="store_true", help="generate + run on a tiny tree, throwaway database")
    args = ap.parse_args()
    if args.smoke:
        bench_env.exit_on_sigterm()
        if not bench_env.migrated():
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
        args.targets, args.workers, args.connections, args.duration = 300, 1, 2, 1
        args.warmup, args.warmup_people, args.sample, args.port = 1, 40, 1, bench_env.free_port()
        generate(args)
        run(args)
        return
    if args.command == "targets":  # fresh check-in sessions (e.g. after a run used them, or a new MARWAH_DATA_DIR)
        from marwah.socialisation.models import Session

        make_targets(Session.objects.get(pk=int((OUT / "session.txt").read_text())), args.targets)
        return
    (generate if args.command == "generate" else run)(args)


if __name__ == "__main__":
    main()
