"""Pledge signing under wrk, against the floor of the stack; coverage pages; worker memory; two servers.

Usage (from the repository root; a database made by pledges_generate.py with the same REDIS_URL):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges REDIS_URL=redis://127.0.0.1:6379/10 \\
      flock /tmp/bench.lock .venv/bin/python benchmarks/pledges_load.py [--floor 3] [--duration 30] \\
      [--servers 2] [--rss] [--skip-load] [--smoke]

- default: one signing load (`wrk -t2 -c16 -s benchmarks/pledges/sign.lua`), the true signings/s
  counted from the tallies, the coverage pages over HTTP and the tallies checked against the rows;
- `--floor N`: N alternated pairs (A B A B) signing vs the floor's `POST /sign` (same gunicorn
  -w 3 sync, same wrk -t2 -c16), and the coverage page at national, province and regency level vs
  the floor's `GET /rollup`; prints `FLOOR ...` lines (benchmarks/floor.py);
- `--skip-load`: no signing load (with `--floor N`: only the coverage comparisons); `--no-coverage`:
  only the signing load;
- `--rss`: a 60 s signing load, then the VmRSS of each gunicorn worker (target < 100 MB);
- `--servers 2`: two app servers (each -w 3) on one PostgreSQL and Redis, each loaded by its own wrk
  (-t1 -c8, disjoint signers), alternated with one server under wrk -t2 -c16 (issue 15);
- `--smoke`: a tiny tree in its own throwaway database (bench_smoke_pledges), a few seconds of each
  step, then everything dropped. Exits non-zero on any failure; every server started is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
from pledges.common import Gunicorn, throwaway_db  # noqa: E402

SMOKE = "--smoke" in sys.argv
if SMOKE:
    throwaway_db("bench_smoke_pledges")

import bench_env  # noqa: E402

bench_env.apply()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from floor import Floor, Run, compare, wrk  # noqa: E402

from marwah.orgs.models import Unit  # noqa: E402
from marwah.pledges.models import Campaign, Signature  # noqa: E402
from marwah.pledges.selectors import coverage, not_signed_page  # noqa: E402

OUT = ROOT / "benchmarks/out/pledges"
SIGN_LUA = ROOT / "benchmarks/pledges/sign.lua"


def signed_count(campaign: Campaign) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT sum(signed + late) FROM pledges_tally WHERE campaign_id = %s AND unit_id = %s",
                    [campaign.pk, campaign.unit_id])
        return cur.fetchone()[0] or 0


def timed(fn: Callable[[], object], runs: int = 60) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.99) - 1, 0)]


def admin_session() -> str:
    """A logged-in, 2FA-verified session of an administrator at KPU RI (as after a real login),
    made where the app servers read sessions (Redis when REDIS_URL is set)."""
    from marwah.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN, unit=Unit.objects.get(depth=0))
    return bench_env.verified_session(user)


class Signers:
    """The pending signers of targets.txt, handed out in disjoint slices so no run repeats a signing
    (a repeat is a cheap redirect and would flatter the figure)."""

    def __init__(self, campaign: Campaign, out: Path):
        lines = [line.split() for line in (out / "targets.txt").read_text().split("\n") if line]
        ids = [int(sig) for _, sig in lines]
        # In slices: with PG_SERVER_SIDE_BINDING a statement takes at most 65,535 parameters.
        pending = {pk for start in range(0, len(ids), 20_000)
                   for pk in Signature.objects.filter(pk__in=ids[start:start + 20_000], status="pending")
                   .values_list("pk", flat=True)}
        self.rows = [(key, sig) for key, sig in lines if int(sig) in pending]
        self.pos = 0
        self.tmp = Path(tempfile.mkdtemp(prefix="pledges_load_"))
        print(f"{len(self.rows)} unsigned signers with a session (session engine {settings.SESSION_ENGINE})",
              flush=True)

    def take(self, count: int) -> Path:
        if self.pos + count > len(self.rows):
            raise SystemExit(f"not enough unsigned signers left ({len(self.rows) - self.pos}, need {count}): "
                             "run pledges_generate.py --sessions-only --sessions N")
        path = self.tmp / f"targets_{self.pos}.txt"
        path.write_text("".join(f"{k} {s}\n" for k, s in self.rows[self.pos:self.pos + count]))
        self.pos += count
        return path

    def left(self) -> int:
        return len(self.rows) - self.pos


class SigningLoad:
    """One wrk signing run against one or more servers; checks that every request really signed.

    Each run gets a slice of fresh signers: 2.5 times what the fastest run so far did in that time
    (a thread that uses up its slice stops; the run then says so)."""

    def __init__(self, campaign: Campaign, signers: Signers, *, duration: float, rate: float):
        self.campaign, self.signers, self.duration, self.rate = campaign, signers, duration, rate

    def run(self, urls: list[str], *, connections: int = 16, duration: float | None = None) -> Run:
        duration = duration or self.duration
        before = signed_count(self.campaign)
        share = int(self.rate * 2.5 * duration / len(urls)) + 2 * connections
        per = connections // len(urls)
        threads = 2 if len(urls) == 1 else 1
        jobs = [(url, self.signers.take(share)) for url in urls]
        with ThreadPoolExecutor(len(urls)) as pool:
            runs = list(pool.map(lambda job: wrk(job[0], script=SIGN_LUA, connections=per, threads=threads,
                                                 duration=duration, env={"TARGETS": str(job[1])}), jobs))
        time.sleep(0.5)  # requests cut off by a stopping thread finish on the server
        signed = signed_count(self.campaign) - before
        requests = sum(r.requests for r in runs)
        errors = sum(r.errors for r in runs)
        if errors or not 0 <= signed - requests <= 2 * connections:  # in flight when wrk stopped
            raise SystemExit(f"signing run: {requests} requests but {signed} signatures recorded, {errors} errors")
        if requests >= len(urls) * share - 2 * connections:
            print(f"  (a run used up its {share} signers: raise the rate estimate)", flush=True)
        run = runs[0] if len(runs) == 1 else Run(
            rps=sum(r.rps for r in runs), p50_ms=max(r.p50_ms for r in runs), p99_ms=max(r.p99_ms for r in runs),
            requests=requests, errors=0)
        self.rate = max(self.rate, run.rps)
        return run


@contextlib.contextmanager
def floor(port: int, workers: int, *, reset: bool = True) -> Iterator[Floor]:
    """The floor, started and always stopped; `floor.sh setup` is retried: another session running it
    at the same moment (it rebuilds the shared app folder) makes it fail now and then."""
    ours = os.environ.pop("DJANGO_SETTINGS_MODULE", None)  # the floor's manage.py must use its own
    try:
        for attempt in range(4):
            fl = Floor(port=port, workers=workers, reset=reset)
            try:
                fl.__enter__()
                break
            except subprocess.CalledProcessError as exc:
                fl.stop()
                print(f"floor setup failed ({exc.stderr!r:.300}); retrying", flush=True)
                time.sleep(5 * (attempt + 1))
        else:
            raise SystemExit("the floor did not start")
    finally:
        if ours:
            os.environ["DJANGO_SETTINGS_MODULE"] = ours
    try:
        yield fl
    finally:
        fl.stop()


def coverage_levels(campaign: Campaign) -> list[tuple[str, Unit]]:
    return [("national", campaign.unit), ("province", Unit.objects.filter(depth=1).order_by("id").first()),
            ("regency", Unit.objects.filter(depth=2).order_by("id").first())]


def coverage_http(campaign: Campaign, server: Gunicorn, key: str, seconds: float) -> None:
    """The coverage page and the not-signed list over HTTP (one connection: the latency one leader sees)."""
    for label, unit in coverage_levels(campaign):
        for page in ("", "belum/"):
            url = f"{server.url}/ikrar/kampanye/{campaign.pk}/{page}?unit={unit.pk}"
            cookie = bench_env.browser_cookie(key)
            wrk(url, connections=1, threads=1, duration=max(1, seconds / 5), headers=cookie)  # warm-up
            run = wrk(url, connections=1, threads=1, duration=seconds, headers=cookie)
            if run.errors:
                raise SystemExit(f"coverage {label} {page}: {run.errors} errors")
            name = "coverage" if not page else "not-signed list"
            print(f"HTTP {name:<16} {label:<9} {run}", flush=True)


def main() -> None:  # noqa: C901, PLR0912, PLR0915
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--port", type=int, default=8300, help="app servers on this port and the next ones")
    ap.add_argument("--floor-port", type=int, default=8305)
    ap.add_argument("--floor", type=int, default=0, metavar="ROUNDS", help="alternated pairs against the floor")
    ap.add_argument("--servers", type=int, default=1, choices=(1, 2))
    ap.add_argument("--rss", action="store_true", help="60 s of signing, then each worker's VmRSS")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--no-coverage", action="store_true", help="only the signing load")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        import pledges_generate
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the database cache, when there is no Redis
        args.out = Path(tempfile.mkdtemp(prefix="pledges_smoke_"))
        pledges_generate.generate(kpps=400, sessions=2500, out=args.out, tree=pledges_generate.TINY_TREE)
        args.duration, args.floor = 2, min(args.floor, 1)
    campaign = Campaign.objects.select_related("unit").get(pk=int((args.out / "campaign.txt").read_text()))
    ports = [args.port + i for i in range(2)]

    if not args.skip_load:
        signers = Signers(campaign, args.out)
        # The first estimate sizes the warm-up's slice: a warm-up that used it up stopped its threads with
        # requests in flight, which wrk counts as errors (the server was faster than 100 /s). The smoke
        # tree has 2,500 signers for every run together.
        load = SigningLoad(campaign, signers, duration=args.duration, rate=100 if args.smoke else 400)
        with Gunicorn(port=ports[0], workers=args.workers) as server:
            warm = load.run([server.url], duration=min(args.duration, 5))  # imports, connections, campaign cache
            print(f"warm-up: {warm}", flush=True)
            if args.floor:
                with floor(args.floor_port, args.workers) as fl:
                    compare("pledge signing", marwah=lambda: load.run([server.url], connections=args.connections),
                            floor=lambda: fl.sign(connections=args.connections, duration=args.duration),
                            rounds=args.floor, min_rps_ratio=0.4, max_p99_ratio=3.0,
                            note=f"load {open('/proc/loadavg').read().split()[0]}")
            else:
                run = load.run([server.url], connections=args.connections)
                print(f"signing (wrk -t2 -c{args.connections} -d{args.duration:g}s): {run}  "
                      f"(every request a recorded signature)", flush=True)
            if args.rss:
                seconds = 2 if args.smoke else 60
                run = load.run([server.url], connections=args.connections, duration=seconds)
                sizes = server.worker_rss_mb()
                print(f"RSS after {seconds:g} s of signing ({run.requests} signings): "
                      + ", ".join(f"{mb:.1f} MB" for mb in sizes)
                      + f" | max {max(sizes):.1f} MB | target < 100 MB {'MET' if max(sizes) < 100 else 'NOT MET'}",
                      flush=True)
        if args.servers == 2:
            with Gunicorn(port=ports[0], workers=args.workers) as a, Gunicorn(port=ports[1], workers=args.workers) as b:
                load.run([a.url, b.url])  # warm-up of both
                one, two = [], []
                for i in range(max(args.floor, 1)):
                    one.append(load.run([a.url], connections=args.connections))
                    two.append(load.run([a.url, b.url], connections=args.connections))
                    print(f"  servers pair {i + 1}: one server {one[-1]}  |  two servers {two[-1]}", flush=True)
                ratio = statistics.median(t.rps / o.rps for o, t in zip(one, two, strict=True))
                print(f"SERVERS pledge signing | one {statistics.median(r.rps for r in one):.1f}/s | two "
                      f"{statistics.median(r.rps for r in two):.1f}/s | ratio {ratio:.2f} | rounds {len(one)} | "
                      f"load {open('/proc/loadavg').read().split()[0]}", flush=True)
        print(f"{signers.left()} unsigned signers with a session left", flush=True)

    if args.no_coverage:
        return
    key = admin_session()
    with Gunicorn(port=ports[0], workers=args.workers) as server:
        if args.floor:
            with floor(args.floor_port, args.workers, reset=True) as fl:
                cookie = bench_env.browser_cookie(key)
                for label, unit in coverage_levels(campaign):
                    url = f"{server.url}/ikrar/kampanye/{campaign.pk}/?unit={unit.pk}"
                    wrk(url, connections=args.connections, duration=max(1, args.duration / 5), headers=cookie)
                    compare(f"coverage {label}",
                            marwah=lambda url=url: wrk(url, connections=args.connections, duration=args.duration,
                                                       headers=cookie),
                            floor=lambda: fl.rollup(connections=args.connections, duration=args.duration),
                            rounds=args.floor, max_p99_ratio=2.0,
                            note=f"load {open('/proc/loadavg').read().split()[0]}")
        else:
            coverage_http(campaign, server, key, 2 if args.smoke else 10)

    # Consistency: tallies (rollups) equal a real count of signed rows.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pledges_signature WHERE campaign_id = %s AND status <> 'pending'",
                    [campaign.pk])
        real = cur.fetchone()[0]
    tally = signed_count(campaign)
    print(f"tally says {tally} signed, rows say {real}", flush=True)
    if tally != real:
        raise SystemExit("tallies do not match the signatures")
    from marwah.audit.services import verify_chains

    t = time.perf_counter()
    checked, broken, why = verify_chains()  # every signing appended its entry from inside one statement
    print(f"audit chains: {checked} entries checked in {time.perf_counter() - t:.1f} s, "
          f"{'intact' if broken is None and not why else f'BROKEN at {broken}: {why}'}", flush=True)
    if broken is not None or why:
        raise SystemExit("audit chain broken")

    levels = [*coverage_levels(campaign), ("village (PPS)", Unit.objects.filter(depth=4).order_by("id").first())]
    for label, unit in levels:
        children = len(coverage(campaign, unit)[1])
        median, p99 = timed(lambda unit=unit: coverage(campaign, unit), runs=5 if args.smoke else 60)
        print(f"coverage {label:<18} median {median:6.2f} ms  p99 {p99:6.2f} ms  ({children} child rows)")
        median, p99 = timed(lambda unit=unit: not_signed_page(campaign, unit, offset=0, limit=50),
                            runs=5 if args.smoke else 60)
        print(f"  not-signed page 1      median {median:6.2f} ms  p99 {p99:6.2f} ms")
    print(f"people in scope: {campaign.in_scope}")
    if args.smoke:
        print("smoke ok")


if __name__ == "__main__":
    main()
