"""Password guessing is slowed per account and source; nobody can lock the owner out."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client

from conftest import verified_client
from marwah.accounts import throttle

PASSWORD = "rahasia-uji-123"


def login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post("/akun/masuk/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    return now


def known_device_client(user) -> Client:
    """A browser that passed the second factor for this user once, then logged out."""
    client = verified_client(user)
    response = client.get("/")
    assert throttle.DEVICE_COOKIE in response.cookies
    assert response.cookies[throttle.DEVICE_COOKIE]["httponly"] and response.cookies[throttle.DEVICE_COOKIE]["samesite"] == "Strict"
    client.post("/akun/keluar/")
    return client


def test_eight_wrong_passwords_from_eight_addresses_do_not_stop_the_owner(people):
    owner = known_device_client(people.satgas_jateng)
    for i in range(8):
        assert login(Client(), "mey", "salah-tebak", ip=f"198.51.100.{i}").status_code == 200
    response = login(owner, "mey", ip="10.9.9.9")
    assert response.status_code == 302 and response.url.startswith("/akun/2fa/")


def test_a_spray_from_many_addresses_slows_unknown_devices_only_briefly_and_never_the_known_one(people, clock):
    owner = known_device_client(people.satgas_jateng)
    for i in range(14):
        login(Client(), "mey", "salah-tebak", ip=f"198.51.100.{i}")
    stranger = login(Client(), "mey", ip="203.0.113.7")
    assert stranger.status_code == 429
    assert "tunggu" in stranger.content.decode() and int(stranger["Retry-After"]) <= throttle.PER_ACCOUNT_CAP
    assert login(owner, "mey", ip="203.0.113.8").status_code == 302
    clock[0] += throttle.PER_ACCOUNT_CAP + 1
    assert login(Client(), "mey", ip="203.0.113.7").status_code == 302


def test_guesses_from_one_source_wait_longer_and_longer(people, clock):
    attacker = Client()
    for _ in range(throttle.FREE_PER_SOURCE):
        assert login(attacker, "rina", "salah-tebak").status_code == 200
    waits = []
    for _ in range(5):
        blocked = login(attacker, "rina", "salah-tebak")
        assert blocked.status_code == 429
        waits.append(int(blocked["Retry-After"]))
        clock[0] += waits[-1]
        assert login(attacker, "rina", "salah-tebak").status_code == 200  # the wait is over: one more guess
    assert waits == sorted(waits) and waits[-1] > waits[0]
    # While waiting, even the right password is not checked (a guess in the window learns nothing) …
    assert login(attacker, "rina").status_code == 429
    # … and the username typed is kept on the page.
    assert 'value="rina"' in login(attacker, "rina").content.decode()
    # The owner elsewhere is not affected by one source's failures.
    assert login(Client(), "rina", ip="10.2.2.2").status_code == 302


def test_the_owners_known_device_behind_the_attackers_address_is_not_kept_waiting(people, clock):
    owner = known_device_client(people.satgas_jateng)
    attacker = Client()
    for _ in range(throttle.FREE_PER_SOURCE + 3):
        login(attacker, "mey", "salah-tebak", ip="10.0.0.1")
    assert login(attacker, "mey", ip="10.0.0.1").status_code == 429
    assert login(owner, "mey", ip="10.0.0.1").status_code == 302  # same office address, known browser


def test_nip_and_username_count_as_the_same_account(people, clock):
    nip = people.employee.employee.nip
    client = Client()
    for _ in range(throttle.FREE_PER_SOURCE):
        login(client, nip, "salah-tebak")
    assert login(client, "rina", "salah-tebak").status_code == 429


def test_a_forged_device_cookie_does_not_count(people, clock):
    for i in range(14):
        login(Client(), "mey", "salah-tebak", ip=f"198.51.100.{i}")
    client = Client()
    client.cookies[throttle.DEVICE_COOKIE] = "forged"
    assert login(client, "mey", ip="203.0.113.9").status_code == 429
    other = known_device_client(people.hr)  # a known device of another account
    assert login(other, "mey", ip="203.0.113.9").status_code == 429


def test_password_reset_is_limited_per_account_and_per_source(people, settings):
    settings.PASSWORD_RESET_RATE_ACCOUNT = "3/h"
    settings.PASSWORD_RESET_RATE_IP = "5/h"
    email = people.employee.email
    codes = [Client().post("/akun/sandi/lupa/", {"email": email.upper() if i % 2 else email},
                           REMOTE_ADDR=f"198.51.100.{i}").status_code for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    codes = [Client().post("/akun/sandi/lupa/", {"email": f"x{i}@example.org"},
                           REMOTE_ADDR="192.0.2.1").status_code for i in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]


def test_client_address_behind_a_trusted_proxy(rf, settings):
    from marwah.core.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # the client cannot choose it by writing to the left
