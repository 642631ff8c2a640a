"""The unit picker's lookups on a 900,000-unit tree (PostgreSQL).

Expects a database with the migrated schema and a large tree, e.g. `bench_onboard` filled as in
docs/benchmarks.md ("Unit picker"). Times `orgs.selectors.pick_units` (what `orgs:pick` runs) for
an administrator at the root and for one regency, and prints the plan's top node.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_onboard .venv/bin/python benchmarks/unit_picker.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("MARWAH_DATA_DIR", tempfile.mkdtemp(prefix="marwah-picker-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from marwah.orgs.models import Unit
    from marwah.orgs.selectors import pick_units

    root = Unit.objects.get(depth=0)
    regency = Unit.objects.filter(name__endswith="Grobogan").first()
    cases = [
        ("root scope, name 'grobogan'", root, {"query": "grobogan"}),
        ("root scope, name 'desa 3f2'", root, {"query": "desa 3f2"}),
        ("root scope, code '11.05'", root, {"query": "11.05"}),
        ("root scope, children of the root", root, {"parent": root}),
        ("regency scope, name 'tps 7'", regency, {"query": "tps 7"}),
        ("regency scope, code prefix", regency, {"query": regency.code + ".0"}),
    ]
    print(f"units: {Unit.objects.count():,}")
    print("| lookup | rows | median ms | max ms |")
    print("|---|---:|---:|---:|")
    for label, scope, kwargs in cases:
        units = Unit.objects.filter(path__startswith=scope.path)
        times = []
        rows = []
        for _ in range(7):
            started = time.perf_counter()
            rows = pick_units(units, **kwargs)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {len(rows)} | {statistics.median(times):.1f} | {max(times):.1f} |")
    qs = Unit.objects.filter(path__startswith=root.path, name__icontains="grobogan").order_by("depth", "name")[:16]
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        print("plan:", " / ".join(row[0].strip() for row in cursor.fetchall()[:6]))


if __name__ == "__main__":
    main()
