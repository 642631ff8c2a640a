"""What the second-factor page says after a wrong code (issue 9.7) and in demo mode (9.20)."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "rahasia-uji-123"


def password_only(username: str) -> Client:
    client = Client()
    client.post("/akun/masuk/", {"username": username, "password": PASSWORD})
    return client


def code_at(device: TOTPDevice, at: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return str(totp.token()).zfill(device.digits)


def test_a_right_code_just_after_a_wrong_one_is_told_to_wait(people):
    device = TOTPDevice.objects.create(user=people.satgas_jateng, name="phone", confirmed=True)
    client = password_only("mey")
    wrong = client.post("/akun/2fa/", {"token": "000000" if code_at(device, time.time()) != "000000" else "111111"})
    assert "tidak valid" in wrong.content.decode()
    right = client.post("/akun/2fa/", {"token": code_at(device, time.time())})
    page = right.content.decode()
    assert right.status_code == 200 and "tunggu" in page and "tidak valid" not in page
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # the wait is over
    device.save(update_fields=["throttling_failure_timestamp"])
    assert client.post("/akun/2fa/", {"token": code_at(device, time.time())}).status_code == 302


def _demo(people, settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    settings.DEMO_MODE = True
    user = people.leader_jateng
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    return user, TOTPDevice.objects.create(user=user, name="demo", confirmed=True)


def test_demo_shows_the_next_code_when_the_current_one_was_just_used(people, settings, monkeypatch):
    user, device = _demo(people, settings, monkeypatch)
    first = password_only("leader_jateng")
    shown = first.get("/akun/2fa/").context["demo_code"]
    assert first.post("/akun/2fa/", {"token": shown}).status_code == 302
    # A second login within the same 30 seconds: the page must not offer the code just used.
    second = password_only("leader_jateng")
    again = second.get("/akun/2fa/").context["demo_code"]
    assert again and again != shown
    assert second.post("/akun/2fa/", {"token": again}).status_code == 302


def test_demo_says_to_wait_when_no_code_would_be_accepted(people, settings, monkeypatch):
    user, device = _demo(people, settings, monkeypatch)
    device.tolerance = 0
    device.last_t = int((time.time() - device.t0) // device.step)  # the current code was just used
    device.save(update_fields=["tolerance", "last_t"])
    page = password_only("leader_jateng").get("/akun/2fa/")
    assert page.context["demo_code"] is None and 0 < page.context["demo_wait"] <= 31
    assert "demo-code" in page.content.decode()


def test_setup_also_says_to_wait_after_a_wrong_code(people):
    client = password_only("mey")
    client.get("/akun/2fa/atur/")
    device = TOTPDevice.objects.get(user=people.satgas_jateng, confirmed=False)
    wrong = "000000" if code_at(device, time.time()) != "000000" else "111111"
    assert "tidak valid" in client.post("/akun/2fa/atur/", {"token": wrong}).content.decode()
    page = client.post("/akun/2fa/atur/", {"token": code_at(device, time.time())}).content.decode()
    assert "tunggu" in page and "tidak valid" not in page
