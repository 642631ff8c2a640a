"""Generate a national-size KPU tree, its people and a national pledge campaign in a separate PG database.

Usage (from /work/main):
  createdb -h 127.0.0.1 -U postgres bench_pledges
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges .venv/bin/marwah migrate -v0
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges .venv/bin/python benchmarks/pledges_generate.py \
      [--kpps 820000] [--sessions 40000]

Everything is set-based SQL (INSERT … SELECT over generate_series); the campaign launch is the
real service (`launch_campaign`), timed, so its figure is the production one.
Writes benchmarks/out/pledges/targets.txt (session key + signature id per line) for the wrk script.
Sessions are made where the app reads them (settings.SESSION_ENGINE): with REDIS_URL set, in Redis.
Pass the same REDIS_URL (and SESSION_STORE, if any) as the app servers the load runs against.
`--smoke`: a tiny tree in its own throwaway database (bench_smoke_pledges_generate), dropped at exit.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
SMOKE = __name__ == "__main__" and "--smoke" in sys.argv
if SMOKE:
    from pledges.common import throwaway_db

    throwaway_db("bench_smoke_pledges_generate")
import bench_env  # noqa: E402

bench_env.apply()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "pledges"  # git-ignored
FULL_TREE = (1, 38, 514, 7_300, 83_700)  # units above KPPS: KPU RI, provinces, regencies, PPK, PPS
TINY_TREE = (1, 2, 3, 4, 6)

B36 = """
CREATE OR REPLACE FUNCTION pg_temp.b36(n bigint) RETURNS text AS $$
DECLARE d text := '0123456789abcdefghijklmnopqrstuvwxyz'; s text := ''; BEGIN
  WHILE n > 0 LOOP s := substr(d, (n % 36)::int + 1, 1) || s; n := n / 36; END LOOP;
  RETURN lpad(s, 7, '0') || '/'; END $$ LANGUAGE plpgsql IMMUTABLE;
"""


def step(label: str, sql: str, params=None) -> None:
    t = time.time()
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        n = cur.rowcount
    print(f"{label:<40} {n:>10} rows {time.time() - t:7.1f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpps", type=int, default=820_000)
    ap.add_argument("--sessions", type=int, default=40_000)
    ap.add_argument("--sessions-only", action="store_true", help="only add sessions for people still unsigned")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--smoke", action="store_true", help="a tiny tree in a throwaway database, then drop it")
    args = ap.parse_args()
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # the cache without Redis (campaign writes bump the memo there)
    if args.smoke:
        import tempfile

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            generate(kpps=12, sessions=20, out=Path(tmp), tree=TINY_TREE)
            lines = (Path(tmp) / "targets.txt").read_text().split()
            assert len(lines) == 2 * 20, f"expected 20 sessions, got {len(lines) // 2}"
        print("smoke ok")
        return
    if args.sessions_only:
        from marwah.pledges.models import Campaign

        make_sessions(Campaign.objects.get(pk=int((args.out / "campaign.txt").read_text())), args.sessions, args.out)
        return
    generate(kpps=args.kpps, sessions=args.sessions, out=args.out)


def generate(*, kpps: int, sessions: int, out: Path, tree: tuple[int, ...] = FULL_TREE) -> None:
    """The tree, its people, the national campaign (launched by the real service) and the sessions."""
    ri, prov, kab, ppk, pps = tree
    levels = [  # kind, count, people per unit
        ("kpu_ri", ri, 1000 if tree == FULL_TREE else 3), ("kpu_prov", prov, 40), ("kpu_kab", kab, 30),
        ("ppk", ppk, 5), ("pps", pps, 3), ("kpps", kpps, 7)]
    with connection.cursor() as cur:
        cur.execute(B36)
        cur.execute("INSERT INTO orgs_institution (code, name, short_name, kind) VALUES "
                    "('kpu', 'Komisi Pemilihan Umum', 'KPU', 'election') RETURNING id")
        inst = cur.fetchone()[0]
    t0 = time.time()
    start = 1
    prev_start = prev_count = None
    for depth, (kind, count, _) in enumerate(levels):
        if prev_start is None:
            step(f"units {kind}", "INSERT INTO orgs_unit (id, institution_id, parent_id, path, depth, kind, code, name, "
                 "is_active) SELECT g, %s, NULL, pg_temp.b36(g), 0, %s, 'RI', 'KPU RI', true FROM generate_series(%s, %s) g",
                 [inst, kind, start, start])
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
    print(f"tree and people: {time.time() - t0:.0f} s", flush=True)

    from marwah.orgs.models import Unit
    from marwah.pledges import services

    docs = services.ensure_default_documents(institution=Unit.objects.get(depth=0).institution)
    version = docs[0].versions.first()
    t = time.time()
    campaign = services.create_campaign(actor=None, version=version, unit=Unit.objects.get(depth=0),
                                        employment_types=[], title="Pakta Integritas Pemilu 2024", place="Jakarta",
                                        deadline=timezone.localdate() + timezone.timedelta(days=7))
    print(f"create campaign (request part): {1000 * (time.time() - t):.0f} ms", flush=True)
    t = time.time()
    total = services.launch_campaign(campaign=campaign)
    print(f"launch (background task): {total} people in scope in {time.time() - t:.0f} s", flush=True)
    step("analyze", "ANALYZE")

    make_sessions(campaign, sessions, out)


def make_sessions(campaign, count: int, out: Path = OUT) -> None:
    """Pledge-only sessions (as a one-time code opens them) for a random sample of unsigned KPPS officers."""
    t = time.time()
    with connection.cursor() as cur:  # a random sample without sorting millions of rows
        percent = 100 * 20 * count / max(campaign.in_scope, 1)  # 20 times more rows than needed
        sample = f"TABLESAMPLE SYSTEM ({percent:.3f})" if percent < 50 else ""
        cur.execute(f"SELECT s.id, s.employee_id FROM pledges_signature s {sample} "  # noqa: S608
                    "JOIN orgs_unit u ON u.id = s.unit_id WHERE s.campaign_id = %s AND u.kind = 'kpps' "
                    "AND s.status = 'pending' LIMIT %s", [campaign.pk, count])
        rows = cur.fetchall()
    until = time.time() + 7 * 86400
    expire = timezone.now() + timezone.timedelta(days=7)
    # Cache-backed engines (Django's, and marwah.core.sessions built on it) keep the dict under one key.
    in_cache = issubclass(import_module(settings.SESSION_ENGINE).SessionStore, CacheSessionStore)
    store = SessionStore()
    sessions, cached, lines = [], {}, []
    prefix = f"b{int(time.time()) % 100000:05d}"
    for i, (sig_id, employee_id) in enumerate(rows):
        key = f"{prefix}{i:06d}".ljust(32, "x")
        # Stamped an hour ago: every signing also renews the session's idle window (the worst case,
        # "sessions of any age"; IdleSessionMiddleware writes a session at most once a minute).
        data = {"pledges_employee_id": employee_id, "pledges_until": until, "_touched": int(time.time()) - 3600}
        if in_cache:
            cached[CacheSessionStore(key).cache_key] = data
        else:
            sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        lines.append(f"{key} {sig_id}")
    if in_cache:
        keys = list(cached)
        for start in range(0, len(keys), 5000):
            cache.set_many({k: cached[k] for k in keys[start:start + 5000]}, timeout=7 * 86400)
    else:
        Session.objects.bulk_create(sessions, batch_size=5000)
    out.mkdir(parents=True, exist_ok=True)
    (out / "targets.txt").write_text("\n".join(lines) + "\n")
    (out / "campaign.txt").write_text(str(campaign.pk))
    where = "Redis" if in_cache else "the database"
    print(f"{len(lines)} sessions in {where} in {time.time() - t:.0f} s; campaign {campaign.pk}", flush=True)

if __name__ == "__main__":
    main()
