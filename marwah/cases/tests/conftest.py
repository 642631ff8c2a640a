from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from marwah.accounts.models import Role
from marwah.people.models import Employee
from marwah.reporting import vault
from marwah.worktime import services as worktime

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _fast_keys(settings):
    # Real key-derivation costs are measured in benchmarks; tests need speed.
    settings.MARWAH_KEY_KDF = (1, 8192)
    settings.MARWAH_RECEIPT_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def with_key(*users) -> None:
    """Give users their key pair now, so a report submitted next is sealed to them."""
    for user in users:
        vault.unlock_user_key(user=user, password=PASSWORD)


@pytest.fixture
def unlocked(as_user):
    """unlocked(user) -> a 2FA-verified client whose session holds the user's unlocked key."""

    def make(user):
        client = as_user(user)
        response = client.post(reverse("keys:unlock"), {"password": PASSWORD, "next": "/"})
        assert response.status_code == 302
        return client

    return make


@pytest.fixture
def staff_request(db):
    """staff_request(user) -> a request whose session holds the user's unlocked key (for service calls)."""

    def make(user):
        request = RequestFactory().post("/")
        request.user = user
        request.session = SessionStore()
        assert vault.try_unlock(request=request, password=PASSWORD)
        return request

    return make


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
