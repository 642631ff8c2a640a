"""CPU, statements and a profile of one anonymous report submission, in-process (no HTTP server).

Drives the real view (`POST /lapor/kirim/sexual_violence/` through every middleware, CSRF
included) with Django's test client against the benchmark database, with the real receipt
argon2id parameters, and prints per submission: Python CPU, the receipt hash alone, the rest,
and the SQL statements. For A/B work when the machine is too busy for the HTTP figures.

    .venv/bin/python benchmarks/reporting/bench_submit_cpu.py [--n 60] [--queries] [--profile]
    .venv/bin/python benchmarks/reporting/bench_submit_cpu.py --smoke     # own throwaway database

Database `bench_reporting` (demo data; made by benchdb.prepare when missing, `--fresh` remakes it).
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=60, help="submissions to time")
    ap.add_argument("--fresh", action="store_true", help="remake the benchmark database")
    ap.add_argument("--queries", action="store_true", help="list the statements of one submission")
    ap.add_argument("--profile", action="store_true", help="cProfile the timed submissions")
    ap.add_argument("--smoke", action="store_true", help="tiny run on a throwaway database, then drop it")
    args = ap.parse_args()
    db = benchdb.SMOKE_DB if args.smoke else benchdb.MEASURE_DB
    if args.smoke:
        args.n = 3
        atexit.register(benchdb.drop, db)
    institution, unit = benchdb.prepare(db, fresh=args.fresh or args.smoke, small=args.smoke)
    os.environ.update(benchdb.environment(db))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from marwah.reporting import crypto
    from marwah.reporting.models import Report

    client = Client(enforce_csrf_checks=True)
    url = "/lapor/kirim/sexual_violence/"
    page = client.get(url)
    token = TOKEN.search(page.content.decode()).group(1)  # type: ignore[union-attr]

    def submit(i: int) -> None:
        # Urlencoded, as a browser posts this form without files (and submit.lua does).
        response = client.post(url, urlencode({
            "csrfmiddlewaretoken": token, "kind": "sv_nonphysical",
            "narrative": f"Laporan uji nomor {i}: ucapan bernada seksual saat rapat. " * 4,
            "when_text": "minggu lalu", "institution": str(institution), "unit": str(unit),
            "where_text": "ruang rapat", "accused_text": f"Orang {os.urandom(6).hex()}",
            "witnesses_text": "", "identity_mode": "anonymous"}), content_type="application/x-www-form-urlencoded",
            HTTP_REFERER="http://testserver/lapor/")
        if response.status_code != 302 or not response["Location"].endswith("/lapor/terkirim/"):
            raise SystemExit(f"submission {i} failed: {response.status_code} {response.content[:400]!r}")

    before = Report.objects.count()
    submit(0)  # warm caches (translations, templates, first connection)
    statements: list[str] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        submit(1)
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waiting
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(2, 2 + args.n):
        submit(i)
    if profiler:
        profiler.disable()
    cpu_ms = (time.process_time() - cpu) / args.n * 1000
    wall_ms = (time.perf_counter() - wall) / args.n * 1000
    made = Report.objects.count() - before
    if made != args.n + 2:
        raise SystemExit(f"expected {args.n + 2} new reports, found {made}")
    argon = time.process_time()
    for i in range(args.n):
        crypto.receipt_secrets(f"{i:016d}")
    argon_ms = (time.process_time() - argon) / args.n * 1000
    print(f"statements/submission={len(statements)} cpu_ms={cpu_ms:.1f} (receipt argon2 alone {argon_ms:.1f}, "
          f"rest {cpu_ms - argon_ms:.1f}) wall_ms={wall_ms:.1f} argon2={crypto.receipt_kdf_params()}")
    if args.queries or args.smoke:
        for n, sql in enumerate(statements, 1):
            print(f"  {n:2d}. {sql[:160]}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "45")))
        out.write("\n--- by own time ---\n")
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        out.write("\n--- what the submission's own functions call ---\n")
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_callees(r"services.py.*\((submit_report|_store_report|open_case)\)|views.py.*\(report_form\)")
        print(out.getvalue())
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
