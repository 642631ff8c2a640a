"""Generate a national-size KPU tree, its people and a national pledge campaign in a separate PG database.

Usage (from /work/main):
  createdb -h 127.0.0.1 -U postgres bench_pledges
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges .venv/bin/marwah migrate -v0
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges .venv/bin/python benchmarks/pledges_generate.py \
      [--kpps 820000] [--sessions 40000]

Everything is set-based SQL (INSERT … SELECT over generate_series); the campaign launch is the
real service (`launch_campaign`), timed, so its figure is the production one.
Writes benchmarks/out/pledges/targets.txt (session key + signature id per line) for the wrk script.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
import bench_env  # noqa: E402

bench_env.apply()

import django  # noqa: E402

django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "pledges"  # git-ignored

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
    args = ap.parse_args()
    if args.sessions_only:
        from marwah.pledges.models import Campaign

        make_sessions(Campaign.objects.get(pk=int((OUT / "campaign.txt").read_text())), args.sessions)
        return
    levels = [  # kind, count, people per unit
        ("kpu_ri", 1, 1000), ("kpu_prov", 38, 40), ("kpu_kab", 514, 30), ("ppk", 7_300, 5),
        ("pps", 83_700, 3), ("kpps", args.kpps, 7)]
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

    make_sessions(campaign, args.sessions)


def make_sessions(campaign, count: int) -> None:
    """Pledge-only sessions (as a one-time code opens them) for a random sample of unsigned KPPS officers."""
    t = time.time()
    with connection.cursor() as cur:  # a random sample without sorting millions of rows
        cur.execute("SELECT s.id, s.employee_id FROM pledges_signature s TABLESAMPLE SYSTEM (2) "
                    "JOIN orgs_unit u ON u.id = s.unit_id WHERE s.campaign_id = %s AND u.kind = 'kpps' "
                    "AND s.status = 'pending' LIMIT %s", [campaign.pk, count])
        rows = cur.fetchall()
    store = SessionStore()
    until = time.time() + 7 * 86400
    expire = timezone.now() + timezone.timedelta(days=7)
    sessions, lines = [], []
    prefix = f"b{int(time.time()) % 100000:05d}"
    for i, (sig_id, employee_id) in enumerate(rows):
        key = f"{prefix}{i:06d}".ljust(32, "x")
        # Stamped as the one-time-code sign-in stamps its session (IdleSessionMiddleware): an officer
        # who signs within the minute costs no session write; older sessions pay one on first use.
        data = store.encode({"pledges_employee_id": employee_id, "pledges_until": until,
                             "_touched": int(time.time())})
        sessions.append(Session(session_key=key, session_data=data, expire_date=expire))
        lines.append(f"{key} {sig_id}")
    Session.objects.bulk_create(sessions, batch_size=5000)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "targets.txt").write_text("\n".join(lines) + "\n")
    (OUT / "campaign.txt").write_text(str(campaign.pk))
    print(f"{len(lines)} sessions in {time.time() - t:.0f} s; campaign {campaign.pk}", flush=True)

if __name__ == "__main__":
    main()
