"""Load generator: anonymous report submissions over real HTTP (CSRF and all).

Each virtual reporter opens the form (gets its session and CSRF cookie and token),
then submits reports in a loop; a submission is counted when the server answers
302 -> the receipt page. Latency is measured per POST. Run through
benchmarks/reporting/run.sh, which prepares PostgreSQL and gunicorn.

    python benchmarks/reporting_submit.py --url http://127.0.0.1:8077 --institution 1 --unit 42 \
        --concurrency 8 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time

import aiohttp

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


async def reporter(session_factory, args, latencies: list[float], errors: list[str], stop_at: float) -> None:
    async with session_factory() as http:
        async with http.get(f"{args.url}/lapor/kirim/sexual_violence/") as response:
            token = TOKEN.search(await response.text()).group(1)
        n = 0
        while time.perf_counter() < stop_at:
            n += 1
            form = aiohttp.FormData()
            for key, value in {
                "csrfmiddlewaretoken": token, "kind": "sv_nonphysical",
                "narrative": f"Laporan uji beban nomor {n}: ucapan bernada seksual saat rapat. " * 4,
                "when_text": "minggu lalu", "institution": str(args.institution), "unit": str(args.unit),
                "where_text": "ruang rapat", "accused_text": "Orang " + "".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=10)),
                "witnesses_text": "", "identity_mode": "anonymous",
            }.items():
                form.add_field(key, value)
            if args.with_file:
                form.add_field("files", b"%PDF-1.4\n% bukti uji\n%%EOF\n" + b"0" * 20000,
                               filename="bukti.pdf", content_type="application/pdf")
            started = time.perf_counter()
            try:
                async with http.post(f"{args.url}/lapor/kirim/sexual_violence/", data=form,
                                     allow_redirects=False, headers={"Referer": args.url + "/lapor/"}) as response:
                    await response.read()
                    ok = response.status == 302 and response.headers.get("Location", "").endswith("/lapor/terkirim/")
            except aiohttp.ClientError as exc:
                ok = False
                errors.append(type(exc).__name__)
            elapsed = time.perf_counter() - started
            if ok:
                latencies.append(elapsed)
            else:
                errors.append(f"status {response.status}")


async def main(args) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    stop_at = started + args.duration

    def factory():
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     timeout=aiohttp.ClientTimeout(total=30))

    await asyncio.gather(*(reporter(factory, args, latencies, errors, stop_at) for _ in range(args.concurrency)))
    wall = time.perf_counter() - started
    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    if errors:
        print("errors:", sorted(set(errors))[:5])
    print(f"concurrency={args.concurrency} duration={wall:.1f}s submissions={len(lat)} errors={len(errors)}")
    print(f"throughput={len(lat) / wall:.1f}/s p50={p(.5):.0f}ms p90={p(.9):.0f}ms p99={p(.99):.0f}ms "
          f"max={lat[-1] * 1000:.0f}ms mean={statistics.mean(lat) * 1000:.0f}ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8077")
    parser.add_argument("--institution", type=int, required=True)
    parser.add_argument("--unit", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--with-file", action="store_true")
    asyncio.run(main(parser.parse_args()))
