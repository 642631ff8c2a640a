"""Shared test fixtures: a small real-shaped tree and people holding every role.

Every view test should use `outsider` (another province) and `employee` (no
role) to prove refusals, not only the happy path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.orgs.models import Institution, Region, Unit, UnitKind
from marwah.orgs.services import UnitSpec, create_units
from marwah.people.models import Employee, EmploymentType


def without_tokens(page) -> str:  # type: ignore[no-untyped-def]
    """A page's HTML (or a response's) with its CSRF tokens (64 characters, masked per response) as TOKEN:
    two responses of the same page compare equal."""
    html = page if isinstance(page, str) else page.content.decode()
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


@pytest.fixture(autouse=True)
def _forget_memo():
    # Lookups remembered per process (marwah.core.memo) must not outlive a test's rolled-back rows.
    from marwah.core import memo
    from marwah.core.cache import forget_kept

    memo.clear()
    forget_kept()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Tests create many users; argon2's real cost is measured in benchmarks instead.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_ENABLE = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain http
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """SQLite's flush between transactional tests deletes rows, which the audit log's
    append-only DELETE trigger forbids (PostgreSQL truncates, which row triggers ignore).
    The audit tests put the trigger back inside their own transaction to prove it."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")


class Tree:
    """KPU RI → {Jawa Tengah → Grobogan, Jawa Timur → Surabaya}; Kemenkumham → Kanwil NTT."""

    def __init__(self) -> None:
        for code, name, level, parent in [
            ("33", "Jawa Tengah", 1, None), ("33.15", "Kabupaten Grobogan", 2, "33"),
            ("35", "Jawa Timur", 1, None), ("35.78", "Kota Surabaya", 2, "35"),
            ("53", "Nusa Tenggara Timur", 1, None),
        ]:
            Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
        self.kpu = Institution.objects.create(code="kpu", name="Komisi Pemilihan Umum", short_name="KPU",
                                              kind=Institution.Kind.ELECTION_COMMISSION)
        self.ministry = Institution.objects.create(code="kemenkumham", name="Kementerian Hukum dan HAM",
                                                   short_name="Kemenkumham", kind=Institution.Kind.MINISTRY)
        [self.ri] = create_units(institution=self.kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
        self.jateng, self.jatim = create_units(institution=self.kpu, parent=self.ri, specs=[
            UnitSpec(UnitKind.KPU_PROVINCE, "33", "KPU Provinsi Jawa Tengah", "33"),
            UnitSpec(UnitKind.KPU_PROVINCE, "35", "KPU Provinsi Jawa Timur", "35"),
        ])
        [self.grobogan] = create_units(institution=self.kpu, parent=self.jateng, specs=[
            UnitSpec(UnitKind.KPU_REGENCY, "33.15", "KPU Kabupaten Grobogan", "33.15")])
        [self.surabaya] = create_units(institution=self.kpu, parent=self.jatim, specs=[
            UnitSpec(UnitKind.KPU_REGENCY, "35.78", "KPU Kota Surabaya", "35.78")])
        [self.hq] = create_units(institution=self.ministry, parent=None, specs=[
            UnitSpec(UnitKind.HQ, "PUSAT", "Kemenkumham Pusat")])
        [self.kanwil_ntt] = create_units(institution=self.ministry, parent=self.hq, specs=[
            UnitSpec(UnitKind.REGIONAL_OFFICE, "KANWIL-53", "Kanwil Kemenkumham NTT", "53")])


_nip_seq = [0]


def make_person(unit: Unit, *, username: str, name: str | None = None, role: str | None = None,
                role_unit: Unit | None = None, superior: Employee | None = None, is_chair: bool = False,
                employment_type: str = EmploymentType.PNS, email: str = "") -> User:
    _nip_seq[0] += 1
    user = User.objects.create_user(username=username, password="rahasia-uji-123", email=email or f"{username}@example.org",
                                    first_name=name or username.title())
    Employee.objects.create(
        institution=unit.institution, unit=unit, unit_path=unit.path, name=name or username.title(),
        nip=f"19850312201001{1 + _nip_seq[0] % 2}{_nip_seq[0] % 1000:03d}", employment_type=employment_type,
        user=user, superior=superior, email=user.email,
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=role_unit or unit, is_chair=is_chair)
    return user


@pytest.fixture
def tree(db) -> Tree:
    return Tree()


@pytest.fixture
def people(tree):
    """Named people of the demo journeys, each with the role they play."""
    p = type("People", (), {})()
    p.admin = make_person(tree.ri, username="admin", role=Role.ADMIN)
    p.leader_jateng = make_person(tree.jateng, username="leader_jateng", role=Role.UNIT_LEADER)
    p.leader_grobogan = make_person(tree.grobogan, username="leader_grobogan", role=Role.UNIT_LEADER)
    p.satgas_jateng = make_person(tree.jateng, username="mey", name="Mey Nurlela", role=Role.SATGAS_PKS, is_chair=True)
    p.satgas_jatim = make_person(tree.jatim, username="satgas_jatim", role=Role.SATGAS_PKS)
    p.hr = make_person(tree.ri, username="hr", role=Role.HR)
    p.auditor = make_person(tree.ri, username="auditor", role=Role.AUDITOR)
    p.neutrality = make_person(tree.hq, username="tim_netral", role=Role.NEUTRALITY_TEAM)
    p.employee = make_person(tree.grobogan, username="rina", name="Rina")
    p.outsider = make_person(tree.surabaya, username="outsider", role=Role.UNIT_LEADER)
    return p


def verified_client(user: User) -> Client:
    """A client logged in with password and a confirmed second factor."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user():
    return verified_client


# --- Browser tests (Playwright driving Debian's chromium) -------------------------------------------

SCREENSHOTS = Path(os.environ.get("MARWAH_SCREENSHOTS", Path(__file__).parent / "test-artifacts" / "screenshots"))
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
    )
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def new_page(chromium, live_server):
    """new_page(phone=False, lang="id") -> a Playwright page whose base URL is the live server."""
    contexts = []
    violations: list[str] = []  # Content-Security-Policy violations reported in any page's console

    watched: set[int] = set()

    def watch(page):
        if id(page) in watched:
            return page
        watched.add(id(page))
        page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        return page

    def make(*, phone: bool = False, lang: str = "id"):
        context = chromium.new_context(
            base_url=live_server.url, viewport=PHONE if phone else DESKTOP, locale=lang,
            extra_http_headers={"Accept-Language": lang}, accept_downloads=True,
        )
        context.set_default_timeout(15000)
        context.on("page", watch)
        contexts.append(context)
        return watch(context.new_page())

    make.csp_violations = violations
    yield make
    for context in contexts:
        context.close()
    # Every browser test doubles as a CSP check: nothing inline may have been refused.
    assert not violations, "CSP violations:\n" + "\n".join(violations)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def totp_code(user: User) -> str:
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def browser_login(page, user: User, password: str = "rahasia-uji-123") -> None:
    """Log in through the real form, passing the second factor when the role requires it."""
    TOTPDevice.objects.get_or_create(user=user, name="browser", defaults={"confirmed": True})
    page.goto("/akun/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    if "/akun/2fa/" in page.url:
        page.fill("#id_token", totp_code(user))
        page.click("main button[type=submit]")
