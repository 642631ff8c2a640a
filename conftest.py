"""Shared test fixtures: a small real-shaped tree and people holding every role.

Every view test should use `outsider` (another province) and `employee` (no
role) to prove refusals, not only the happy path.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.orgs.models import Institution, Region, Unit, UnitKind
from marwah.orgs.services import UnitSpec, create_units
from marwah.people.models import Employee, EmploymentType


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Tests create many users; argon2's real cost is measured in benchmarks instead.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_ENABLE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
        nip=f"19850312201001{1 + _nip_seq[0] % 2}{_nip_seq[0]:03d}", employment_type=employment_type,
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
