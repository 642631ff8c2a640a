"""Benchmark: a month of daily attendance for N employees, and the threshold check over a year.

Usage (creates and drops its own PostgreSQL database, never `test`):
    .venv/bin/python benchmarks/leave_attendance.py [--people 60000] [--year-people 10000] [--db bench_leave]
    .venv/bin/python benchmarks/leave_attendance.py --smoke    (40 people, database bench_smoke_leave_attendance)

1. Builds the KPU tree and N employees spread over the regency offices.
2. Writes a CSV of one month (every working day of November 2026, about 3% of days without a
   check-in), then times the upload path: `leave.attendance.check_file` (read + validate + resolve
   NIPs) and `leave.absence.apply_import` (COPY + upsert, missing days filled, counters, notices,
   unit-month figures), then the same file again (idempotent: the row count must not change).
3. Fills a whole year of attendance for `--year-people` people with generate_series (3% absent)
   and times `leave.absence.recount` over that year for all of them (the threshold check).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=60_000)
    parser.add_argument("--year-people", type=int, default=60_000)
    parser.add_argument("--db", default="bench_leave")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="40 people on a throwaway database, in seconds")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_env

    if args.smoke:
        args.people = args.year_people = 40
        args.keep = False
        bench_env.smoke_database("leave_attendance")
    else:
        bench_env.fresh_database(args.db, keep=args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
    bench_env.apply()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not bench_env.migrated():
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    from marwah.leave import absence
    from marwah.leave.attendance import check_file
    from marwah.leave.models import AbsenceCounter, AbsenceNotice, Attendance
    from marwah.orgs.models import Unit, UnitKind
    from marwah.orgs.services import build_kpu_tree
    from marwah.people.models import Employee

    steps: dict[str, float] = {}

    def timed(name: str):  # type: ignore[no-untyped-def]
        original = getattr(absence, name)

        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                steps[name] = steps.get(name, 0.0) + time.perf_counter() - t
        setattr(absence, name, wrapper)

    for name in ("_write_pg", "_fill_missing", "recount", "refresh_unit_months"):
        timed(name)

    build_kpu_tree()
    root = Unit.objects.get(parent=None, institution__code="kpu")
    units = list(Unit.objects.filter(kind=UnitKind.KPU_REGENCY).only("id", "path", "institution_id"))
    people = [Employee(institution_id=u.institution_id, unit_id=u.pk, unit_path=u.path, name=f"Pegawai {n}",
                       nip=f"{n:018d}",
                       employment_type="pns")
              for n, u in ((n, units[n % len(units)]) for n in range(args.people))]
    Employee.objects.bulk_create(people, batch_size=5000)
    print(f"{args.people:,} employees in {len(units)} regency offices")

    rng = random.Random(12)
    first, last = date(2026, 11, 2), date(2026, 11, 30)
    days = absence.working_days(first, last)
    out = io.StringIO()
    out.write("nip,tanggal,jam_masuk,jam_pulang,status\n")
    for n in range(args.people):
        nip = f"{n:018d}"
        for day in days:
            if rng.random() < 0.03:
                out.write(f"{nip},{day.isoformat()},,,A\n")
            else:
                out.write(f"{nip},{day.isoformat()},07:{rng.randrange(10, 59)},16:{rng.randrange(0, 59):02d},H\n")
    data = out.getvalue().encode()
    rows = args.people * len(days)
    print(f"file: {rows:,} rows ({len(days)} working days), {len(data) / 1e6:.1f} MB")

    def check():  # type: ignore[no-untyped-def]
        return check_file(io.BytesIO(data), "presensi.csv", resolve=lambda refs: absence.resolve_refs(root, refs),
                          today=date(2026, 12, 2))

    for label in ("first import", "re-import"):
        t0 = time.perf_counter()
        result = check()
        t1 = time.perf_counter()
        assert result.error_count == 0, result.errors[:3]
        summary = absence.apply_import(actor=None, root=root, rows=result.rows, notify=False)
        t2 = time.perf_counter()
        print(f"{label:13s} check {t1 - t0:6.1f} s, apply {t2 - t1:6.1f} s, total {t2 - t0:6.1f} s "
              f"-> {summary}; attendance rows {Attendance.objects.count():,}")
        print("   steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
        steps.clear()
    assert Attendance.objects.count() == rows

    # A whole year for the threshold check.
    ids = list(Employee.objects.order_by("id").values_list("id", flat=True)[:args.year_people])
    year_days = absence.working_days(date(2026, 1, 1), date(2026, 12, 31))
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO leave_attendance (employee_id, day, status, source, note) "
            "SELECT e, d, CASE WHEN random() < 0.03 THEN 'absent' ELSE 'present' END, 'import', '' "
            "FROM unnest(%s::bigint[]) e CROSS JOIN unnest(%s::date[]) d ON CONFLICT (employee_id, day) DO NOTHING",
            [ids, year_days])
    t1 = time.perf_counter()
    print(f"year of attendance for {len(ids):,} people: {Attendance.objects.count():,} rows ({t1 - t0:.1f} s)")
    t0 = time.perf_counter()
    notices = absence.recount(employee_ids=ids, years={2026}, notify=False)
    t1 = time.perf_counter()
    levels = AbsenceCounter.objects.filter(year=2026, level__gt=0).count()
    print(f"threshold check over 2026 for {len(ids):,} people: {t1 - t0:.1f} s; {levels:,} at a threshold, "
          f"{len(notices):,} new notices ({AbsenceNotice.objects.count():,} in all)")


if __name__ == "__main__":
    main()
