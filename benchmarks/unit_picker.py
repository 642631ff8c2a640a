"""The unit picker's lookups on a 900,000-unit tree (PostgreSQL).

Expects a database with the migrated schema and a large tree, e.g. `bench_onboard` filled as in
docs/benchmarks.md ("Unit picker"). Times `orgs.selectors.pick_units` (what `orgs:pick` runs) for
an administrator at the root and for one regency, and prints the plan's top node.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_onboard .venv/bin/python benchmarks/unit_picker.py

`--smoke`: a throwaway database `bench_smoke_unit_picker` with the same tree from
benchmarks/unit_picker_tree.sql cut to 2,000 polling stations, one run of each lookup, dropped after.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import bench_env  # noqa: E402

if "MARWAH_DATA_DIR" not in os.environ:
    os.environ["MARWAH_DATA_DIR"] = tempfile.mkdtemp(prefix="marwah-picker-bench-")
    atexit.register(shutil.rmtree, os.environ["MARWAH_DATA_DIR"], True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")


def smoke_tree(stations: int) -> None:
    """The benchmark's tree SQL with fewer polling stations, on the throwaway database."""
    url = bench_env.smoke_database("unit_picker")
    if not bench_env.migrated():
        subprocess.run([sys.executable, "-m", "marwah.cli", "migrate", "-v0"], check=True,  # noqa: S603
                       env=dict(os.environ, DEBUG="1"))
    sql = (HERE / "unit_picker_tree.sql").read_text()
    assert "generate_series(1, 900000)" in sql
    sql = sql.replace("generate_series(1, 900000)", f"generate_series(1, {stations})")
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q"], input=sql, text=True, check=True,  # noqa: S607
                   capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a 2,515-unit tree on a throwaway database, one run each")
    args = ap.parse_args()
    runs = 7
    bench_env.exit_on_sigterm()
    if args.smoke:
        smoke_tree(2000)
        runs = 1
    bench_env.apply()
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
        for _ in range(runs):
            started = time.perf_counter()
            rows = pick_units(units, **kwargs)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {len(rows)} | {statistics.median(times):.1f} | {max(times):.1f} |")
        assert rows or "grobogan" not in label and "children" not in label, f"no unit found: {label}"
    qs = Unit.objects.filter(path__startswith=root.path, name__icontains="grobogan").order_by("depth", "name")[:16]
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        print("plan:", " / ".join(row[0].strip() for row in cursor.fetchall()[:6]))


if __name__ == "__main__":
    main()
