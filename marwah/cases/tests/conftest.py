from __future__ import annotations

import pytest

from marwah.accounts.models import Role
from marwah.people.models import Employee
from marwah.worktime import services as worktime


@pytest.fixture(autouse=True)
def _fresh_holidays(db):
    worktime.clear_cache()
    yield
    worktime.clear_cache()


def emp(user) -> Employee:
    return Employee.objects.get(user=user)


@pytest.fixture
def kpu(people, tree):
    """The Grobogan office of journey 1: Rina -> Bambang -> Heru, a second Satgas member in Jateng,
    KPU RI's Satgas, HR and ethics at KPU RI."""
    from conftest import make_person

    ns = type("KPU", (), {})()
    ns.heru = make_person(tree.grobogan, username="heru", name="Heru Santoso")
    ns.bambang = make_person(tree.grobogan, username="bambang", name="Bambang Wibowo", superior=emp(ns.heru))
    rina = emp(people.employee)
    rina.superior = emp(ns.bambang)
    rina.save(update_fields=["superior"])
    ns.kiki = make_person(tree.jateng, username="kiki", role=Role.SATGAS_PKS)
    ns.satgas_ri = make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS, is_chair=True)
    ns.leader_ri = make_person(tree.ri, username="leader_ri", role=Role.UNIT_LEADER)
    ns.ethics = make_person(tree.ri, username="etik", role=Role.ETHICS)
    return ns
