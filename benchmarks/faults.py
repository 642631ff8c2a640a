"""Faults on PostgreSQL: nothing acknowledged is lost, nothing is done twice, nothing half-written.

Two app servers and one worker (RQ on Redis) take concurrent anonymous report submissions and
pledge signings. Mid-load the script kills -9 one app server (and restarts it), then the worker
(and restarts it), then restarts PostgreSQL. Afterwards it checks, in the database:
  - every receipt shown to a reporter opens its report, whose text decrypts, with exactly one case;
  - every signature acknowledged to a signer is signed, the tallies equal the signatures
    (no double count, no missing count), and its PDF exists once and verifies;
  - the audit hash chains verify; every queued task ran (the queue drains).
and prints: acknowledged, found, lost (must be 0), duplicated effects (must be 0).

Loopback only, bounded in time; it restarts the local PostgreSQL cluster (root, pg_ctlcluster).
    .venv/bin/python benchmarks/faults.py [--seconds 30] [--signers 600] [--reporters 4]
`make test` runs a short version (--seconds 12) after the test suites.
`--smoke` (benchmarks/smoke.py): 6 s, 12 signers, 1 reporter, the same kills but no PostgreSQL restart
(the short run above does that), database `bench_smoke_faults`; exit 77 "skipped" when Redis does not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARWAH = str(ROOT / ".venv" / "bin" / "marwah")
DB = "marwah_faults"
MARKER = "FAULTMARK"


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--signers", type=int, default=600)
    ap.add_argument("--reporters", type=int, default=2, help="concurrent reporters (each holds a worker during argon2)")
    ap.add_argument("--signing-clients", type=int, default=6)
    ap.add_argument("--pg-cluster", default="15 main")
    ap.add_argument("--no-pg-restart", action="store_true", help="skip the PostgreSQL restart (shared machines)")
    ap.add_argument("--drain-seconds", type=float, default=240, help="how long the worker may take to empty the queue")
    ap.add_argument("--smoke", action="store_true", help="tiny, no PostgreSQL restart, own database; seconds")
    args = ap.parse_args()
    if args.smoke:
        args.seconds, args.signers, args.reporters, args.signing_clients = 6, 12, 1, 2
        args.no_pg_restart, args.drain_seconds = True, 90
    return args


ARGS = parse()
if ARGS.smoke and subprocess.run(["redis-cli", "ping"], capture_output=True, check=False).returncode:  # noqa: S607
    print("skipped: Redis does not answer on 127.0.0.1:6379 (the worker runs on RQ)")
    sys.exit(77)
if ARGS.smoke:
    DB = "bench_smoke_faults"
DATA_DIR = tempfile.mkdtemp(prefix="marwah-faults-")
atexit.register(shutil.rmtree, DATA_DIR, True)
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "REDIS_URL": "redis://127.0.0.1:6379/11",
    "TASK_BACKEND": "rq", "MARWAH_DATA_DIR": DATA_DIR, "DEBUG": "0", "MARWAH_DEMO": "0",
    "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "TLS_PROXY": "0", "SECURE_HSTS_SECONDS": "0",
    "SITE_URL": "http://127.0.0.1", "SECRET_KEY": secrets.token_urlsafe(48),
    "MARWAH_MATCH_SECRET": secrets.token_urlsafe(32), "MARWAH_FILE_KEY": secrets.token_urlsafe(32),
    "MARWAH_REPORT_RATE": "1000000/h", "WEB_CONCURRENCY": "3", "LOG_LEVEL": "ERROR",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_SETTINGS_MODULE": "marwah.settings",
}
os.environ.update(ENV)
os.environ.pop("PYTEST_VERSION", None)
sys.path.insert(0, str(ROOT))


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],  # noqa: S603, S607
                   check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def wait_postgres(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:  # noqa: S607
            return
        time.sleep(0.3)
    raise SystemExit("PostgreSQL did not come back")


# --- Setup: database, a small tree, a Satgas with keys, a launched campaign, pledge sessions -------------

def setup() -> tuple[int, int, list[tuple[str, int]]]:
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    template = os.environ.get("MARWAH_SMOKE_TEMPLATE", "") if ARGS.smoke else ""  # smoke.py's migrated copy
    psql(f'CREATE DATABASE "{DB}"' + (f' TEMPLATE "{template}"' if template else ""))
    atexit.register(psql, f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    subprocess.run(["redis-cli", "-n", "11", "FLUSHDB"], check=False, capture_output=True)  # noqa: S607
    import django

    django.setup()
    from django.core.management import call_command

    if not template:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    return seed()


def seed() -> tuple[int, int, list[tuple[str, int]]]:
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.utils import timezone

    from marwah.accounts.models import Role, RoleAssignment, User
    from marwah.orgs.models import Institution, Region, UnitKind
    from marwah.orgs.services import UnitSpec, create_units
    from marwah.people.models import Employee, EmploymentType
    from marwah.pledges import selectors as pledge_selectors
    from marwah.pledges import services as pledges
    from marwah.pledges.models import Signature
    from marwah.reporting import vault

    for code, name, level, parent in [("33", "Jawa Tengah", 1, None), ("33.15", "Kabupaten Grobogan", 2, "33")]:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    kpu = Institution.objects.create(code="kpu", name="Komisi Pemilihan Umum", short_name="KPU",
                                     kind=Institution.Kind.ELECTION_COMMISSION)
    [ri] = create_units(institution=kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
    [jateng] = create_units(institution=kpu, parent=ri, specs=[
        UnitSpec(UnitKind.KPU_PROVINCE, "33", "KPU Provinsi Jawa Tengah", "33")])
    [grobogan] = create_units(institution=kpu, parent=jateng, specs=[
        UnitSpec(UnitKind.KPU_REGENCY, "33.15", "KPU Kabupaten Grobogan", "33.15")])
    for username, unit in [("mey", jateng), ("satgas_ri", ri)]:
        user = User.objects.create_user(username=username, password="kata-sandi-satgas-77")
        RoleAssignment.objects.create(user=user, role=Role.SATGAS_PKS, unit=unit, is_chair=True)
        vault.unlock_user_key(user=user, password="kata-sandi-satgas-77")
    leader = User.objects.create_user(username="ketua", password="kata-sandi-ketua-77")
    RoleAssignment.objects.create(user=leader, role=Role.UNIT_LEADER, unit=grobogan)
    Employee.objects.bulk_create([
        Employee(institution=kpu, unit=grobogan, unit_path=grobogan.path, name=f"Petugas {i:05d}",
                 employee_number=f"F{i:05d}", employment_type=EmploymentType.AD_HOC)
        for i in range(ARGS.signers)])
    doc = pledges.ensure_default_documents(institution=kpu)[0]
    campaign = pledges.create_campaign(actor=leader, version=doc.versions.order_by("-number").first(), unit=grobogan,
                                       employment_types=[], title="Pakta uji gangguan", place="Purwodadi",
                                       deadline=timezone.localdate() + timedelta(days=7))
    pledges.launch_campaign(campaign=campaign)
    targets = []
    # Where the app servers read sessions (Redis here, as REDIS_URL is set).
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    for sig_id, employee_id in Signature.objects.filter(campaign=campaign).values_list("pk", "employee_id"):
        store = SessionStore()
        store[pledge_selectors.PLEDGE_SESSION_KEY] = employee_id
        store[pledge_selectors.PLEDGE_SESSION_UNTIL] = time.time() + 3600
        store.create()
        targets.append((store.session_key, sig_id))
    return kpu.pk, grobogan.pk, targets


# --- Processes ------------------------------------------------------------------------------------------

def start_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([MARWAH, "serve", f"127.0.0.1:{port}"], env=ENV, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL, start_new_session=True)


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen([MARWAH, "worker"], env=ENV, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill9(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        kill9(proc)


# --- Load -----------------------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'class="rp-receipt"[^>]*>([\d ]+)<')
CSRF = "faultcsrftokenfaultcsrftoken0123"  # 32 characters: Django accepts the unmasked secret


async def reporter(urls: list[str], institution: int, unit: int, stop_at: float, acked: list[str],
                   errors: list[str], n: int) -> None:
    import aiohttp

    i = 0
    while time.monotonic() < stop_at:
        url = urls[(n + i) % len(urls)]
        i += 1
        try:
            jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 (an IP address)
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20), cookie_jar=jar) as http:
                async with http.get(f"{url}/lapor/kirim/sexual_violence/") as response:
                    token = TOKEN.search(await response.text()).group(1)  # type: ignore[union-attr]
                form = {"csrfmiddlewaretoken": token, "kind": "sv_nonphysical", "when_text": "minggu lalu",
                        "narrative": f"{MARKER} laporan {n}-{i}: ucapan bernada seksual saat rapat.",
                        "institution": str(institution), "unit": str(unit), "where_text": "ruang rapat",
                        "accused_text": "", "witnesses_text": "", "identity_mode": "anonymous"}
                async with http.post(f"{url}/lapor/kirim/sexual_violence/", data=form, allow_redirects=False,
                                     headers={"Referer": url + "/lapor/"}) as response:
                    await response.read()
                    if response.status != 302:
                        errors.append(f"submit {response.status}")
                        continue
                async with http.get(f"{url}/lapor/terkirim/") as response:
                    found = RECEIPT.search(await response.text())
                    if found:  # the reporter has seen the receipt: acknowledged
                        acked.append(found.group(1).replace(" ", ""))
        except Exception as exc:  # noqa: BLE001 - a killed server or database: the client sees an error
            errors.append(type(exc).__name__)
            await asyncio.sleep(0.2)


async def signer(urls: list[str], queue: asyncio.Queue[tuple[str, int]], stop_at: float, acked: set[int],
                 errors: list[str], n: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
        i = 0
        while time.monotonic() < stop_at and not queue.empty():
            key, sig = await queue.get()
            url = urls[(n + i) % len(urls)]
            i += 1
            try:
                async with http.post(f"{url}/ikrar/tandatangan/{sig}/", data={"agree": "on", "csrfmiddlewaretoken": CSRF},
                                     allow_redirects=False,
                                     headers={"Cookie": f"sessionid={key}; csrftoken={CSRF}", "Referer": url}) as resp:
                    page = await resp.text()
                    # The signed page (with its verification code) is the answer to the POST; a repeat
                    # POST redirects to it. Either way the signer has been told "signed".
                    if (resp.status == 200 and 'role="status"' in page and "<code>" in page) or (
                            resp.status == 302 and resp.headers.get("Location", "").endswith(f"/ikrar/tandatangan/{sig}/")):
                        acked.add(sig)
                        continue
                    errors.append(f"sign {resp.status}")
            except Exception as exc:  # noqa: BLE001
                errors.append(type(exc).__name__)
                await asyncio.sleep(0.2)
            queue.put_nowait((key, sig))  # not acknowledged: the signer tries again later


async def faults(servers: list[subprocess.Popen[bytes]], ports: list[int], worker: list[subprocess.Popen[bytes]],
                 started: float, log: list[str]) -> None:
    t = ARGS.seconds

    async def at(fraction: float) -> None:
        await asyncio.sleep(max(0.0, started + fraction * t - time.monotonic()))

    await at(0.2)
    kill9(servers[0])
    log.append(f"{time.monotonic() - started:5.1f}s kill -9 app server 1")
    await at(0.3)
    servers[0] = start_server(ports[0])
    log.append(f"{time.monotonic() - started:5.1f}s app server 1 restarted")
    await at(0.45)
    kill9(worker[0])
    log.append(f"{time.monotonic() - started:5.1f}s kill -9 worker")
    await at(0.5)
    worker[0] = start_worker()
    log.append(f"{time.monotonic() - started:5.1f}s worker restarted")
    await at(0.65)
    if ARGS.no_pg_restart:
        return
    await asyncio.to_thread(subprocess.run, ["pg_ctlcluster", *ARGS.pg_cluster.split(), "restart", "-m", "fast"],
                            check=True, capture_output=True)
    await asyncio.to_thread(wait_postgres)
    log.append(f"{time.monotonic() - started:5.1f}s PostgreSQL restarted")


async def load(urls: list[str], servers: list[subprocess.Popen[bytes]], ports: list[int],
               worker: list[subprocess.Popen[bytes]], institution: int, unit: int,
               targets: list[tuple[str, int]]) -> tuple[list[str], set[int], list[str], list[str]]:
    receipts: list[str] = []
    signed: set[int] = set()
    errors: list[str] = []
    log: list[str] = []
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for target in targets:
        queue.put_nowait(target)
    started = time.monotonic()
    stop_at = started + ARGS.seconds
    await asyncio.gather(
        faults(servers, ports, worker, started, log),
        *(reporter(urls, institution, unit, stop_at, receipts, errors, n) for n in range(ARGS.reporters)),
        *(signer(urls, queue, stop_at, signed, errors, n) for n in range(ARGS.signing_clients)),
    )
    return receipts, signed, errors, log


# --- Checks ---------------------------------------------------------------------------------------------

def drain_queue(timeout: float) -> tuple[bool, int]:
    """Waits for the queue to empty; returns (drained, jobs that failed for good)."""
    import django_rq

    queue = django_rq.get_queue("default")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue.count == 0 and queue.started_job_registry.count == 0:
            return True, queue.failed_job_registry.count
        time.sleep(0.5)
    return False, queue.failed_job_registry.count


def check(receipts: list[str], signed: set[int]) -> dict[str, int]:
    from django.db import connections
    from django.db.models import Count, Sum

    from marwah.audit.services import verify_chains
    from marwah.cases.models import Case
    from marwah.pledges import services as pledges
    from marwah.pledges.models import Signature, Tally
    from marwah.reporting import selectors as reporting

    connections.close_all()  # the database restarted under us
    out = {"reports acknowledged": len(receipts), "reports found": 0, "reports lost": 0,
           "signatures acknowledged": len(signed), "signatures found": 0, "signatures lost": 0,
           "duplicated effects": 0, "half-written": 0, "pdf missing": 0}
    for receipt in receipts:
        found = reporting.find_by_receipt(receipt)
        if found is None or MARKER not in str(reporting.decrypt_content(*found)):
            out["reports lost"] += 1
            continue
        cases = Case.objects.filter(report=found[0]).count()
        out["reports found"] += 1
        out["half-written"] += cases == 0
        out["duplicated effects"] += cases > 1
    by_id = {s.pk: s for s in Signature.objects.filter(pk__in=signed).select_related("campaign")}
    for sig_id in signed:
        signature = by_id.get(sig_id)
        if signature is None or not signature.is_signed:
            out["signatures lost"] += 1
            continue
        out["signatures found"] += 1
        if not pledges.pdf_path(signature).exists():
            out["pdf missing"] += 1  # not rendered yet: the download below renders it
        # What the signer gets when downloading: the kept PDF, or one rendered now; it must verify.
        signature.refresh_from_db(fields=["pdf_sha256"])
        if not pledges.check_upload(pledges.ensure_pdf(signature=signature)).ok:
            out["half-written"] += 1
    signed_rows = Signature.objects.filter(status__in=[Signature.Status.SIGNED, Signature.Status.LATE]).count()
    campaign_ids = list(Signature.objects.values_list("campaign_id", flat=True).distinct())
    tallies = (Tally.objects.filter(campaign_id__in=campaign_ids, unit_id__in=Signature.objects.values("campaign__unit_id"))
               .aggregate(n=Sum("signed") + Sum("late"))["n"] or 0)
    out["duplicated effects"] += max(0, tallies - signed_rows)
    out["half-written"] += max(0, signed_rows - tallies)
    out["duplicated effects"] += Case.objects.values("report").annotate(n=Count("id")).filter(n__gt=1).count()
    _checked, _entry, why = verify_chains()
    out["audit chain broken"] = int(bool(why))
    return out


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: servers stopped, database dropped
    print(f"faults: {ARGS.seconds:.0f} s, {ARGS.signers} signers, {ARGS.reporters} reporters", flush=True)
    institution, unit, targets = setup()
    ports = [free_port(), free_port()]
    servers = [start_server(port) for port in ports]
    worker = [start_worker()]
    try:
        for port in ports:
            wait_port(port)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        receipts, signed, errors, log = asyncio.run(
            load(urls, servers, ports, worker, institution, unit, targets))
        for line in log:
            print("  " + line)
        drained, failed_jobs = drain_queue(ARGS.drain_seconds)
        from marwah.core.tasks import requeue_abandoned

        rerun = requeue_abandoned()  # what the worker's periodic job does every 5 minutes
        if rerun:
            drained, failed_jobs = drain_queue(ARGS.drain_seconds)
    finally:
        for proc in [*servers, *worker]:
            stop(proc)
    result = check(receipts, signed)
    result["queue drained"] = int(drained)
    result["tasks failed"] = failed_jobs
    result["tasks re-run (killed worker)"] = rerun
    print(f"client errors during faults: {len(errors)} ({', '.join(sorted(set(errors))[:6])})")
    for key, value in result.items():
        print(f"  {key:<26} {value}")
    ok = (result["reports lost"] == 0 and result["signatures lost"] == 0 and result["duplicated effects"] == 0
          and result["half-written"] == 0 and not result["audit chain broken"] and drained
          and not failed_jobs
          and result["reports acknowledged"] > 0 and result["signatures acknowledged"] > 0)
    print("faults: OK" if ok else "faults: FAILED", flush=True)
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
