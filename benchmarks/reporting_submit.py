"""Load generator: anonymous report submissions over real HTTP, as reporters' browsers make them.

Each virtual reporter opens the form (gets its session and CSRF cookie and token), then submits
reports in a loop; a submission is counted when the server answers 302 -> the receipt page.
Latency is measured per POST. Usually run through benchmarks/reporting/run.sh (which prepares
PostgreSQL and gunicorn) or benchmarks/reporting_floor.py (ratios against the floor).

    python benchmarks/reporting_submit.py --url http://127.0.0.1:8320 --institution 1 --unit 42 \\
        --concurrency 8 --duration 30
    python benchmarks/reporting_submit.py --smoke   # own throwaway database and server, seconds

Several --url values spread the reporters over several app servers (issue 15, scale-out).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from pathlib import Path

import aiohttp

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent / "reporting")]
from floor import Run  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SMOKE_PORT = 8321


async def reporter(url: str, args: argparse.Namespace, latencies: list[float], errors: list[str],
                   stop_at: float) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     timeout=aiohttp.ClientTimeout(total=30)) as http:
        try:
            async with http.get(f"{url}/lapor/kirim/sexual_violence/") as response:
                found = TOKEN.search(await response.text())
        except (aiohttp.ClientError, TimeoutError) as exc:
            errors.append(f"form: {type(exc).__name__}")
            return
        if found is None:
            errors.append(f"form: status {response.status}, no CSRF token")
            return
        token = found.group(1)
        n = 0
        while time.perf_counter() < stop_at:
            n += 1
            form = aiohttp.FormData()
            for key, value in {
                "csrfmiddlewaretoken": token, "kind": "sv_nonphysical",
                "narrative": f"Laporan uji beban nomor {n}: ucapan bernada seksual saat rapat. " * 4,
                "when_text": "minggu lalu", "institution": str(args.institution), "unit": str(args.unit),
                "where_text": "ruang rapat",
                "accused_text": "Orang " + "".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=10)),  # noqa: S311
                "witnesses_text": "", "identity_mode": "anonymous",
            }.items():
                form.add_field(key, value)
            if args.with_file:
                form.add_field("files", b"%PDF-1.4\n% bukti uji\n%%EOF\n" + b"0" * 20000,
                               filename="bukti.pdf", content_type="application/pdf")
            started = time.perf_counter()
            try:
                async with http.post(f"{url}/lapor/kirim/sexual_violence/", data=form, allow_redirects=False,
                                     headers={"Referer": url + "/lapor/"}) as response:
                    await response.read()
                    ok = response.status == 302 and response.headers.get("Location", "").endswith("/lapor/terkirim/")
                    if not ok:
                        errors.append(f"status {response.status}")
            except (aiohttp.ClientError, TimeoutError) as exc:
                ok = False
                errors.append(type(exc).__name__)
            if ok:
                latencies.append(time.perf_counter() - started)


async def _load(args: argparse.Namespace) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    stop_at = started + args.duration
    urls = args.url if isinstance(args.url, list) else [args.url]
    await asyncio.gather(*(reporter(urls[i % len(urls)], args, latencies, errors, stop_at)
                           for i in range(args.concurrency)))
    return latencies, errors, time.perf_counter() - started


def measure(*, urls: list[str], institution: int, unit: int, concurrency: int = 8, duration: float = 30,
            with_file: bool = False, quiet: bool = False) -> Run:
    """One load run; the figures as a `floor.Run` (errors = anything but 302 -> receipt)."""
    args = argparse.Namespace(url=urls, institution=institution, unit=unit, concurrency=concurrency,
                              duration=duration, with_file=with_file)
    latencies, errors, wall = asyncio.run(_load(args))
    lat = sorted(latencies)

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else 0.0

    run = Run(rps=len(lat) / wall, p50_ms=pct(0.5), p99_ms=pct(0.99), requests=len(lat) + len(errors),
              errors=len(errors))
    if not quiet:
        if errors:
            print("errors:", sorted(set(errors))[:5])
        print(f"concurrency={concurrency} servers={len(urls)} duration={wall:.1f}s submissions={len(lat)} "
              f"errors={len(errors)}")
        print(f"throughput={run.rps:.1f}/s p50={run.p50_ms:.0f}ms p90={pct(0.9):.0f}ms p99={run.p99_ms:.0f}ms "
              f"max={(lat[-1] * 1000 if lat else 0):.0f}ms")
    return run


def smoke() -> int:
    """Tiny run against a throwaway database and server: fails on any error or no submission."""
    import benchdb

    benchdb.stop_on_signals()
    db = benchdb.SMOKE_DB
    try:
        institution, unit = benchdb.prepare(db, small=True)
        before = benchdb.report_count(db)
        with benchdb.Server(db, port=SMOKE_PORT, workers=1) as server:
            run = measure(urls=[server.url], institution=institution, unit=unit, concurrency=2, duration=3)
        made = benchdb.report_count(db) - before
        if run.errors or not run.requests or made < run.requests:
            print(f"smoke FAILED: {run.requests} answered, {run.errors} errors, {made} reports stored")
            return 1
        print(f"smoke ok: {made} reports stored")
        return 0
    finally:
        benchdb.drop(db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", help="an app server (repeat for several); default :8320")
    parser.add_argument("--institution", type=int)
    parser.add_argument("--unit", type=int)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--with-file", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="tiny self-contained run (own database and server)")
    args = parser.parse_args()
    if args.smoke:
        return smoke()
    if args.institution is None or args.unit is None:
        parser.error("--institution and --unit are required (or --smoke)")
    run = measure(urls=args.url or ["http://127.0.0.1:8320"], institution=args.institution, unit=args.unit,
                  concurrency=args.concurrency, duration=args.duration, with_file=args.with_file)
    return 1 if run.errors or not run.requests else 0


if __name__ == "__main__":
    sys.exit(main())
