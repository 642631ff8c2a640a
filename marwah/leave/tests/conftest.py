from __future__ import annotations

from datetime import date

import pytest

from conftest import make_person
from marwah.accounts.models import Role, RoleAssignment
from marwah.people.models import Employee
from marwah.worktime.models import Holiday
from marwah.worktime.services import clear_cache


@pytest.fixture(autouse=True)
def _leave_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_cache()  # holiday dates are cached per process; each test has its own calendar
    yield
    clear_cache()


@pytest.fixture
def office(tree, people):
    """Grobogan as a small secretariat: chair (leader + PPK delegate) → secretary → staff."""
    o = type("Office", (), {})()
    o.chair = make_person(tree.grobogan, username="darmin", name="Darmin Hi Hasim", role=Role.UNIT_LEADER)
    RoleAssignment.objects.create(user=o.chair, role=Role.AUTHORISED_OFFICIAL, unit=tree.grobogan)
    chair_emp = Employee.objects.get(user=o.chair)
    o.secretary = make_person(tree.grobogan, username="rustam", name="Rustam Salmon", superior=chair_emp)
    sec_emp = Employee.objects.get(user=o.secretary)
    o.staff = make_person(tree.grobogan, username="staf", name="Nur Hidayat", superior=sec_emp)
    o.colleague = make_person(tree.grobogan, username="kolega", name="Siti Kase", superior=sec_emp)
    o.deputy = make_person(tree.grobogan, username="wakil", name="Agus Umar", superior=chair_emp)
    o.staff_emp = Employee.objects.get(user=o.staff)
    o.colleague_emp = Employee.objects.get(user=o.colleague)
    o.staff_emp.gender = "F"
    o.staff_emp.save(update_fields=["gender"])
    o.hr = people.hr
    o.outsider = people.outsider
    return o


@pytest.fixture
def holidays(db):
    for day, kind, name in [
        (date(2026, 12, 24), Holiday.Kind.CUTI_BERSAMA, "Cuti bersama Natal"),
        (date(2026, 12, 25), Holiday.Kind.PUBLIC, "Natal"),
        (date(2027, 1, 12), Holiday.Kind.PUBLIC, "Libur uji"),
        (date(2027, 3, 12), Holiday.Kind.CUTI_BERSAMA, "Cuti bersama Nyepi"),
        (date(2027, 2, 8), Holiday.Kind.CUTI_BERSAMA, "Cuti bersama Imlek"),
        (date(2026, 11, 13), Holiday.Kind.PUBLIC, "Libur uji November"),
    ]:
        Holiday.objects.create(date=day, kind=kind, name=name)
    clear_cache()
