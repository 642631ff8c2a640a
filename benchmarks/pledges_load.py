"""Signing throughput under wrk + coverage latency, against a database made by pledges_generate.py.

Usage (from /work/main):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pledges .venv/bin/python benchmarks/pledges_load.py \
      [--workers 3] [--connections 16] [--duration 30]

Starts gunicorn (sync workers, persistent DB connections), runs
`wrk -t2 -cN -dDs --latency -s benchmarks/pledges/sign.lua`, then counts how many pending
rows really became signed (the true signings/s, not just HTTP responses), checks the tallies
against a count of the signatures, and times coverage reads at national, province and regency level.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
import bench_env  # noqa: E402

bench_env.apply()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from marwah.orgs.models import Unit  # noqa: E402
from marwah.pledges.models import Campaign, Signature  # noqa: E402
from marwah.pledges.selectors import coverage, not_signed_page  # noqa: E402


def signed_count(campaign: Campaign) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT sum(signed + late) FROM pledges_tally WHERE campaign_id = %s AND unit_id = %s",
                    [campaign.pk, campaign.unit_id])
        return cur.fetchone()[0] or 0


def timed(fn, runs: int = 60) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def admin_session() -> str:
    """A logged-in, 2FA-verified session of an administrator at KPU RI (as after a real login)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from marwah.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN, unit=Unit.objects.get(depth=0))
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    store = SessionStore()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id})
    store.create()
    return store.session_key


def coverage_http(campaign: Campaign, args) -> None:
    """The coverage page itself over HTTP (wrk, one connection), at each level."""
    key = admin_session()
    env = dict(os.environ, DEBUG="0", LOG_LEVEL="ERROR", CONN_MAX_AGE="600")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(args.workers), "-b",
         f"127.0.0.1:{args.port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        time.sleep(4)
        levels = [("national", campaign.unit), ("province", Unit.objects.filter(depth=1).order_by("id").first()),
                  ("regency", Unit.objects.filter(depth=2).order_by("id").first())]
        for label, unit in levels:
            for page in ("", "belum/"):
                url = f"http://127.0.0.1:{args.port}/ikrar/kampanye/{campaign.pk}/{page}?unit={unit.pk}"
                subprocess.run(["wrk", "-t1", "-c1", "-d2s", "-H", f"Cookie: sessionid={key}", url],
                               capture_output=True, check=True)  # warm-up: lazy imports, connections
                # One connection: the latency one leader sees, not queueing behind other requests.
                out = subprocess.run(["wrk", "-t1", "-c1", "-d10s", "--latency", "-H", f"Cookie: sessionid={key}",
                                      url], capture_output=True, text=True, check=True).stdout
                rps = next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[-1]
                lat = {p: next(line.split()[1] for line in out.splitlines() if line.strip().startswith(p))
                       for p in ("50%", "99%")}
                non2xx = "non-2xx!" if "Non-2xx" in out else ""
                name = "coverage" if not page else "not-signed list"
                print(f"HTTP {name:<16} {label:<9} {rps:>7} req/s  p50 {lat['50%']:>8}  p99 {lat['99%']:>8} {non2xx}")
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    campaign = Campaign.objects.select_related("unit").get(pk=int((ROOT / "benchmarks/out/pledges/campaign.txt").read_text()))

    if not args.skip_load:
        # Only people who have not signed yet: a re-run must not measure cheap idempotent repeats.
        lines = [line.split() for line in (ROOT / "benchmarks/out/pledges/targets.txt").read_text().split("\n") if line]
        pending = set(Signature.objects.filter(pk__in=[int(sig) for _, sig in lines], status="pending")
                      .values_list("pk", flat=True))
        fresh = ROOT / "benchmarks/out/pledges/targets_pending.txt"
        fresh.write_text("".join(f"{key} {sig}\n" for key, sig in lines if int(sig) in pending))
        print(f"{len(pending)} unsigned targets")
        env = dict(os.environ, DEBUG="0", TASK_BACKEND="database", LOG_LEVEL="ERROR", CONN_MAX_AGE="600")
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "marwah.wsgi:application", "-w", str(args.workers), "-b",
             f"127.0.0.1:{args.port}", "--log-level", "warning"], cwd=ROOT, env=env)
        try:
            time.sleep(4)
            before = signed_count(campaign)
            t = time.time()
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "-s",
                 "benchmarks/pledges/sign.lua", f"http://127.0.0.1:{args.port}"],
                cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, WRK_THREADS="2", TARGETS=str(fresh)), check=True).stdout
            elapsed = time.time() - t
            after = signed_count(campaign)
        finally:
            server.terminate()
            server.wait()
        print(out)
        print(f"signatures recorded: {after - before} in {elapsed:.1f} s = {(after - before) / elapsed:.0f} signings/s")

    coverage_http(campaign, args)

    # Consistency: tallies (rollups) equal a real count of signed rows.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pledges_signature WHERE campaign_id = %s AND status <> 'pending'",
                    [campaign.pk])
        real = cur.fetchone()[0]
    print(f"tally says {signed_count(campaign)} signed, rows say {real}")

    province = Unit.objects.filter(depth=1).order_by("id").first()
    regency = Unit.objects.filter(depth=2).order_by("id").first()
    kpps_parent = Unit.objects.filter(depth=4).order_by("id").first()
    for label, unit in [("national (KPU RI)", campaign.unit), ("province", province), ("regency", regency),
                        ("village (PPS)", kpps_parent)]:
        children = len(coverage(campaign, unit)[1])
        median, p99 = timed(lambda unit=unit: coverage(campaign, unit))
        print(f"coverage {label:<18} median {median:6.2f} ms  p99 {p99:6.2f} ms  ({children} child rows)")
        median, p99 = timed(lambda unit=unit: not_signed_page(campaign, unit, offset=0, limit=50))
        print(f"  not-signed page 1      median {median:6.2f} ms  p99 {p99:6.2f} ms")
    print(f"people in scope: {campaign.in_scope}")


if __name__ == "__main__":
    main()
