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
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")

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
    client = Client()
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
    q = statistics.quantiles(times, n=100)
    print(f"{label:<28} n={n}  p50 {q[49]:6.1f} ms  p95 {q[94]:6.1f} ms  p99 {q[98]:6.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--cold", action="store_true", help="no cache of rendered sections: every request computes")
    args = parser.parse_args()
    if args.cold:
        from django.conf import settings

        settings.MARWAH_MONITORING_CACHE_SECONDS = 0
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    if not args.skip_generate:
        generate(args.cases)
    ri = Unit.objects.get(institution__code="kpu", parent=None)
    regency = Unit.objects.get(institution__code="kpu", code="35.78")
    print(f"counter rows: {CaseStat.objects.count()}, case facts: {CaseFact.objects.count()}")
    measure("national (KPU RI)", client_for("bench_hr_ri", ri), ri, args.requests)
    measure("regency (Kota Surabaya)", client_for("bench_hr_sby", regency), regency, args.requests)


if __name__ == "__main__":
    main()
