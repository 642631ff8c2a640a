"""Case-page latency with 100,000 existing cases on PostgreSQL.

Usage (from /work/main):
  createdb -h 127.0.0.1 -U postgres bench_cases
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cases
  .venv/bin/marwah migrate -v0 && .venv/bin/marwah createcachetable
  .venv/bin/python benchmarks/cases_bench.py [--cases 100000] [--requests 500]

Rows are generated set-based (INSERT … SELECT over generate_series): 38 provinces and 514
regencies of KPU, 3 Satgas members + 1 leader per province, 100,000 reports with their cases,
~4 members, 2 block tokens and 2 events per case. Then a logged-in, 2FA-verified Satgas member
opens random cases of their province through the full Django stack (middleware, session, audit
row per read) with the test client, and the script prints p50/p95/p99.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
import bench_env  # noqa: E402

bench_env.apply()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from marwah.accounts.models import Role, RoleAssignment, User  # noqa: E402
from marwah.cases.models import Case  # noqa: E402
from marwah.cases.routing import user_token  # noqa: E402
from marwah.orgs.models import Institution, UnitKind  # noqa: E402
from marwah.orgs.services import UnitSpec, create_units  # noqa: E402


def step(label: str, sql: str, params=None) -> None:
    t = time.time()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        n = cur.rowcount
    print(f"{label:<36} {n:>9} rows {time.time() - t:6.1f} s", flush=True)


def build(n_cases: int) -> None:
    if Case.objects.exists():
        print("data already generated", flush=True)
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
            user = User.objects.create_user(username=f"satgas_{i:02d}_{k}", password="x" * 12,
                                            email=f"satgas_{i:02d}_{k}@bench.local")
            RoleAssignment.objects.create(user=user, role=Role.SATGAS_PKS, unit=prov, is_chair=k == 0)
        leader = User.objects.create_user(username=f"leader_{i:02d}", password="x" * 12)
        RoleAssignment.objects.create(user=leader, role=Role.UNIT_LEADER, unit=prov)
    step("reports", """
        WITH kab AS (SELECT array_agg(id ORDER BY id) AS ids FROM orgs_unit WHERE kind = 'kpu_kab')
        INSERT INTO reporting_report (public_id, category, kind, institution_id, unit_id, unit_path, submitted_at,
               is_anonymous, evidence_count, content, identity, identity_key)
        SELECT 'b' || lpad(to_hex(g), 10, '0') || substr(md5(g::text), 1, 5), 'sexual_violence',
               (ARRAY['sv_electronic','sv_nonphysical','sv_physical'])[1 + g %% 3], %s, u.id, u.path,
               now() - (g %% 700) * interval '1 day', true, 0, '', '', ''
        FROM generate_series(1, %s) g CROSS JOIN kab
        JOIN orgs_unit u ON u.id = kab.ids[1 + g %% array_length(kab.ids, 1)]""", [kpu.pk, n_cases])
    step("cases", """
        INSERT INTO cases_case (report_id, public_id, category, kind, institution_id, unit_id, handling_unit_id,
               team_kind, escalated_for_conflict, status, stage, stage_started, stage_due, repeat_flag,
               accused_employment_type, rejection_reason, created_at, updated_at)
        SELECT r.id, r.public_id, r.category, r.kind, r.institution_id, r.unit_id, u.parent_id, 'satgas', false,
               (ARRAY['received','verified','examination','decision','follow_up','closed'])[1 + r.id % 6],
               'verification', r.submitted_at::date, r.submitted_at::date + 5, false, 'pns', '',
               r.submitted_at, r.submitted_at
        FROM reporting_report r JOIN orgs_unit u ON u.id = r.unit_id""")
    step("members", """
        INSERT INTO cases_casemember (case_id, user_id, reason, is_chair, is_active, added_at)
        SELECT c.id, ra.user_id, CASE WHEN ra.role = 'leader' THEN 'leader' ELSE 'team' END, ra.is_chair, true, now()
        FROM cases_case c JOIN accounts_roleassignment ra ON ra.unit_id = c.handling_unit_id""")
    step("blocks", """
        INSERT INTO cases_caseblock (case_id, token)
        SELECT c.id, md5(c.id::text || '-' || k) || md5(k || '-' || c.id::text)
        FROM cases_case c CROSS JOIN generate_series(1, 2) k""")
    step("events", """
        INSERT INTO cases_caseevent (case_id, at, kind, status, note, reporter_visible)
        SELECT c.id, c.created_at + k * interval '1 hour', CASE k WHEN 1 THEN 'received' ELSE 'status' END,
               c.status, '', true
        FROM cases_case c CROSS JOIN generate_series(1, 2) k""")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(n_requests: int) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username="satgas_07_0")  # the chair: full page with the assign form
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    token = user_token(user.pk)
    ids = list(Case.objects.filter(members__user=user).exclude(blocks__token=token)
               .order_by("?").values_list("public_id", flat=True)[:n_requests])
    total = Case.objects.count()
    print(f"{total} cases in the database; the member handles {Case.objects.filter(members__user=user).count()}; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    for pid in ids[:20]:  # warm up
        assert client.get(f"/kasus/{pid}/").status_code == 200
    timings, cpu = [], []
    for pid in ids:
        t, c = time.perf_counter(), time.process_time()
        response = client.get(f"/kasus/{pid}/")
        timings.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
    print(f"case page  n={len(timings)}  p50={statistics.median(timings):.1f} ms  "
          f"p95={pct(timings, 95):.1f} ms  p99={pct(timings, 99):.1f} ms  "
          f"(Python CPU p50={statistics.median(cpu):.1f} ms)")
    inbox = []
    for _ in range(50):
        t = time.perf_counter()
        assert client.get("/kasus/").status_code == 200
        inbox.append((time.perf_counter() - t) * 1000)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"inbox      n={len(inbox)}  p50={statistics.median(inbox):.1f} ms  p95={pct(inbox, 95):.1f} ms")
    other = Case.objects.exclude(members__user=user).values_list("public_id", flat=True).first()
    assert client.get(f"/kasus/{other}/").status_code == 404


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=500)
    args = ap.parse_args()
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    assert connection.settings_dict["NAME"].startswith("bench"), "use a bench_* database"
    build(args.cases)
    measure(args.requests)


if __name__ == "__main__":
    main()
