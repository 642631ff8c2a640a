"""One check-in in-process, as the load test sends it: queries and a cProfile of N requests.

  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_social MARWAH_DATA_DIR=/tmp/soc_bench_data
  .venv/bin/python benchmarks/socialisation_bench.py targets
  .venv/bin/python benchmarks/socialisation_profile.py [--n 200] [--profile]
(uses the last N keys of benchmarks/out/social/targets.txt: run `targets` again before a load run.)
`--smoke`: the tiny tree of `socialisation_bench.py --smoke` in a throwaway database
(`bench_smoke_socialisation_profile`), 10 check-ins, profile included; seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ["SECURE_SSL_REDIRECT"] = "0"
SMOKE = "--smoke" in sys.argv
if SMOKE:  # before Django starts
    import atexit
    import shutil
    import tempfile

    import bench_env

    bench_env.smoke_database("socialisation_profile")
    if "MARWAH_DATA_DIR" not in os.environ:
        os.environ["MARWAH_DATA_DIR"] = tempfile.mkdtemp(prefix="marwah-social-profile-")
        atexit.register(shutil.rmtree, os.environ["MARWAH_DATA_DIR"], True)
sys.argv, _argv = sys.argv[:1], sys.argv
import benchmarks.socialisation_bench as bench  # noqa: E402  (secrets, django.setup)

sys.argv = _argv

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TOKEN = "benchcsrftokenbenchcsrftoken0123"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="a tiny tree in a throwaway database, 10 check-ins")
    args = ap.parse_args()
    if args.smoke:
        import bench_env
        from django.core.management import call_command

        if not bench_env.migrated():
            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
        bench.SMOKE, bench.OUT = True, Path(os.environ["MARWAH_DATA_DIR"]) / "social"
        bench.generate(argparse.Namespace(kpps=0, targets=30))
        args.n, args.profile = 10, True
    keys = [k for k in (bench.OUT / "targets.txt").read_text().split() if k][-args.n - 1:]
    pk = int((bench.OUT / "session.txt").read_text())
    path = f"/sosialisasi/sesi/{pk}/hadir/"

    client = Client(enforce_csrf_checks=True)

    def one(key: str) -> int:
        client.cookies.clear()
        client.cookies["sessionid"] = key
        client.cookies["csrftoken"] = TOKEN
        return client.post(path, {"csrfmiddlewaretoken": TOKEN}).status_code

    with CaptureQueriesContext(connection) as ctx:
        status = one(keys[0])
    print(f"status {status}, {len(ctx.captured_queries)} queries:")
    assert status < 400, f"the check-in answered {status}"
    for q in ctx.captured_queries:
        print("  ", q["sql"][:160])
    prof = cProfile.Profile() if args.profile else None
    t, cpu = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    for key in keys[1:]:
        one(key)
    if prof:
        prof.disable()
    print(f"{args.n} check-ins: {(time.perf_counter() - t) * 1000 / args.n:.2f} ms each, "
          f"{(time.process_time() - cpu) * 1000 / args.n:.2f} ms of it Python CPU (the rest: waiting for PostgreSQL)")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
