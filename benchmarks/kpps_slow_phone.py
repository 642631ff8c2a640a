"""The KPPS officer on a slow phone: code -> read -> sign -> done, measured in a real browser.

Chromium with the DevTools "Slow 3G" profile (2,000 ms latency per request, 50 KB/s each way) and a
4x slower CPU, at 360 px. For each page: bytes transferred (compressed, headers included), requests,
and when it was usable (first contentful paint and DOMContentLoaded, from the start of the navigation,
redirects included). The budget (issue 9): <= 60 KB per page and usable within 3 s.

Run from the project root (starts its own demo server on --port, and stops it):
    .venv/bin/python benchmarks/kpps_slow_phone.py --port 8731 [--screenshots test-artifacts/screenshots]
    .venv/bin/python benchmarks/kpps_slow_phone.py --smoke   (the same four steps, no throttling, a free port;
                                                              exit 77 "skipped" without Chromium)
The demo's SQLite database lives in a temporary folder, removed at exit. `--smoke` seeds one office,
one ad hoc officer and one campaign instead of the demo, on a throwaway PostgreSQL database
(`bench_smoke_kpps_slow_phone`, dropped at exit) under production settings over plain http.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
BUDGET_BYTES = 60 * 1024
BUDGET_MS = 3000

ISSUE_CODE = """
import django
django.setup()
from marwah.pledges import services
from marwah.pledges.models import Signature
sig = (Signature.objects.filter(status="pending", employee__user__isnull=True, employee__employment_type="ad_hoc",
                                campaign__status="active").select_related("campaign", "unit", "employee").first())
issued = services.issue_codes(campaign=sig.campaign, unit=sig.unit, actor=None)
print("CODE=" + next(i.code for i in issued if i.employee.pk == sig.employee.pk))
"""


SIGNED = """
import django
django.setup()
from marwah.pledges.models import Signature
print(Signature.objects.filter(status__in=[Signature.Status.SIGNED, Signature.Status.LATE]).count())
"""
# --smoke: instead of the whole demo (a minute of seeding), one office, one ad hoc officer, one launched campaign.
SMOKE_SEED = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from marwah.accounts.models import Role, RoleAssignment, User
from marwah.orgs.models import Institution, UnitKind
from marwah.orgs.services import UnitSpec, create_units
from marwah.people.models import Employee, EmploymentType
from marwah.pledges import services
kpu = Institution.objects.create(code="kpu", name="Komisi Pemilihan Umum", short_name="KPU",
                                 kind=Institution.Kind.ELECTION_COMMISSION)
[unit] = create_units(institution=kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
leader = User.objects.create_user(username="ketua", password="kata-sandi-ketua-77")
RoleAssignment.objects.create(user=leader, role=Role.UNIT_LEADER, unit=unit)
Employee.objects.create(institution=kpu, unit=unit, unit_path=unit.path, name="Petugas KPPS", employee_number="K00001",
                        employment_type=EmploymentType.AD_HOC)
doc = services.ensure_default_documents(institution=kpu)[0]
campaign = services.create_campaign(actor=leader, version=doc.versions.order_by("-number").first(), unit=unit,
                                    employment_types=[], title="Pakta integritas", place="Jakarta",
                                    deadline=timezone.localdate() + timedelta(days=7))
services.launch_campaign(campaign=campaign)
"""


def _cli(env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "marwah.cli", *args], env=env, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)
    print(f"{args[0]}: {time.monotonic() - started:.1f} s", flush=True)


def _prepare(env: dict[str, str], smoke: bool = False) -> str:
    if not (smoke and os.environ.get("MARWAH_SMOKE_TEMPLATE")):  # else a copy of smoke.py's migrated database
        _cli(env, "migrate", "--no-input", "-v", "0")
        _cli(env, "createcachetable")
    _cli(env, "collectstatic", "--no-input", "-v", "0")
    if smoke:  # scripts/test.sh has compiled the catalogs already
        subprocess.run([sys.executable, "-c", SMOKE_SEED], env=env, check=True)  # noqa: S603
    else:
        _cli(env, "compilemessages", "-v", "0", "--ignore=.venv")
        _cli(env, "seed_demo")
    out = subprocess.check_output([sys.executable, "-c", ISSUE_CODE], env=env, text=True)  # noqa: S603
    return next(line[5:] for line in out.splitlines() if line.startswith("CODE="))


def _wait_up(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def _measure(base: str, code: str, shots: str | None = None, throttle: bool = True) -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, object]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        context = browser.new_context(base_url=base, viewport={"width": 360, "height": 740}, locale="id",
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if throttle:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        seen = {"bytes": 0, "requests": 0}

        def finished(event: dict) -> None:
            seen["bytes"] += int(event.get("encodedDataLength", 0))
            seen["requests"] += 1

        cdp.on("Network.loadingFinished", finished)

        def step(name: str, action) -> None:  # type: ignore[no-untyped-def]
            seen.update(bytes=0, requests=0)
            action()
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # let late requests (deferred scripts) finish counting
            timing = page.evaluate("""() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                        fcp: fcp ? fcp.startTime : null, redirects: nav.redirectCount};
            }""")
            if shots:
                os.makedirs(shots, exist_ok=True)
                page.screenshot(path=os.path.join(shots, f"kpps-{len(rows) + 1}.png"), full_page=True)
            rows.append({"page": name, "url": page.url.replace(base, ""), "bytes": seen["bytes"],
                         "requests": seen["requests"], **timing})

        step("code (cold cache)", lambda: page.goto("/ikrar/kode/"))

        def enter_code() -> None:
            page.fill("#id_code", code)
            page.click("main form button[type=submit]")

        step("code entered -> my pledges", enter_code)
        step("read", lambda: page.click("a[href*='/ikrar/tandatangan/']"))

        def sign() -> None:
            for box in page.locator("main form input[type=checkbox]").all():
                box.check()
            page.click("main form button.sign-btn")

        step("sign -> done", sign)
        assert page.locator("main").inner_text(), "no done page"
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--screenshots", help="save a full-page 360 px screenshot of each step in this folder")
    parser.add_argument("--smoke", action="store_true", help="the four steps without throttling, in seconds")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"skipped: no Chromium at {CHROMIUM} (scripts/system-deps.sh test installs it)")
        sys.exit(77)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: the server and the folder go too
    if args.smoke:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="marwah-kpps-")
    atexit.register(shutil.rmtree, data, True)
    env = {**os.environ, "MARWAH_DATA_DIR": data, "MARWAH_DEMO": "1", "DEBUG": "0", "SITE_URL": base,
           "DJANGO_SETTINGS_MODULE": "marwah.settings", "WEB_CONCURRENCY": "2"}
    if args.smoke:  # production settings over plain http on a throwaway PostgreSQL database (demo mode is SQLite's)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import bench_env

        os.environ["MARWAH_DATA_DIR"] = data  # the benchmark's secrets live there too
        bench_env.smoke_database("kpps_slow_phone")
        bench_env.apply()
        env = {**os.environ, "DEBUG": "0", "SITE_URL": base, "DJANGO_SETTINGS_MODULE": "marwah.settings",
               "WEB_CONCURRENCY": "2"}
        env.pop("MARWAH_DEMO", None)
    code = _prepare(env, smoke=args.smoke)
    server = subprocess.Popen([sys.executable, "-m", "marwah.cli", "serve", f"127.0.0.1:{args.port}"],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_up(base + "/health/")
        rows = _measure(base, code, args.screenshots, throttle=not args.smoke)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert len(rows) == 4 and all(int(row["bytes"]) > 0 for row in rows), rows  # type: ignore[call-overload]
    if args.smoke:  # the last step really signed
        signed = subprocess.check_output([sys.executable, "-c", SIGNED], env=env, text=True).split()[-1]  # noqa: S603
        assert signed == "1", f"{signed} signatures after the sign step"
    print("| page | transferred (KB) | requests | first paint (s) | DOMContentLoaded (s) | within budget |")
    print("|---|---:|---:|---:|---:|---|")
    for row in rows:
        usable = max(float(row["fcp"] or 0), float(row["dcl"]))  # type: ignore[arg-type]
        ok = int(row["bytes"]) <= BUDGET_BYTES and usable <= BUDGET_MS  # type: ignore[call-overload]
        print(f"| {row['page']} | {int(row['bytes']) / 1024:.1f} | {row['requests']} | "  # type: ignore[call-overload]
              f"{float(row['fcp'] or 0) / 1000:.2f} | {float(row['dcl']) / 1000:.2f} | "  # type: ignore[arg-type]
              f"{'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
