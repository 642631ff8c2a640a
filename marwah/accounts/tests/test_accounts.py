import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import totp_code
from marwah.accounts.models import Role, RoleAssignment
from marwah.accounts.signals import password_verified
from marwah.audit.models import AuditEntry
from marwah.core.checks import demo_mode_is_local

PASSWORD = "rahasia-uji-123"


def login(client, username, password=PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": username, "password": password, **extra})


def test_employee_logs_in_without_second_factor(people):
    client = Client()
    response = login(client, "rina")
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_login_with_nip(people):
    nip = people.employee.employee.nip
    response = login(Client(), nip)
    assert response.status_code == 302 and response.url == "/"


def test_wrong_password_gets_a_clear_message(people):
    response = login(Client(), "rina", "salah")
    assert "Nama pengguna/NIP atau kata sandi tidak benar." in response.content.decode()


def test_handler_must_pass_second_factor_before_anything(people):
    client = Client()
    response = login(client, "mey")
    assert response.url.startswith("/akun/2fa/")
    # Without the second factor every page sends her back to it.
    assert client.get("/").url.startswith("/akun/2fa/")
    assert client.get("/pegawai/").url.startswith("/akun/2fa/")
    assert client.get("/akun/peran/").url.startswith("/akun/2fa/")
    # No device yet: she is taken to set one up.
    setup = client.get("/akun/2fa/", follow=True)
    assert setup.request["PATH_INFO"] == "/akun/2fa/atur/"
    device = TOTPDevice.objects.get(user=people.satgas_jateng, confirmed=False)
    bad = client.post("/akun/2fa/atur/", {"token": "000000"})
    assert "tidak valid" in bad.content.decode()
    from django_otp.oath import TOTP

    time.sleep(1.1)  # django-otp throttles a device for 2^(failures-1) s after a wrong code
    code = str(TOTP(device.bin_key).token()).zfill(6)
    done = client.post("/akun/2fa/atur/", {"token": code})
    assert "Kode pemulihan Anda" in done.content.decode()
    assert len(done.context["codes"]) == 8
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="2fa.enable", actor=people.satgas_jateng).exists()


def test_verify_with_existing_device_and_recovery_code(people):
    TOTPDevice.objects.create(user=people.leader_jateng, name="app", confirmed=True)
    client = Client()
    login(client, "leader_jateng")
    assert client.post("/akun/2fa/", {"token": "123"}).status_code == 200
    time.sleep(1.1)  # the device is throttled for a second after a wrong code
    response = client.post("/akun/2fa/", {"token": totp_code(people.leader_jateng), "next": "/pegawai/"})
    assert response.status_code == 302 and response.url == "/pegawai/"
    from marwah.accounts.services import regenerate_recovery_codes

    codes = regenerate_recovery_codes(user=people.leader_jateng)
    other = Client()
    login(other, "leader_jateng")
    assert other.post("/akun/2fa/", {"token": codes[0]}).status_code == 302
    third = Client()
    login(third, "leader_jateng")
    assert third.post("/akun/2fa/", {"token": codes[0]}).status_code == 200  # used once only


def test_open_redirect_is_refused(people):
    response = login(Client(), "rina", next="https://evil.example/")
    assert response.url == "/"


# Per hour, not per minute: django-ratelimit's windows end at a second set by the key's hash, and a
# minute's window ending between the fifth and sixth request let the sixth through (a flaky run).
@override_settings(LOGIN_RATE="3/h")
def test_login_attempts_are_slowed_down_per_source(people):
    client = Client()
    codes = [login(client, "nobody", "x").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert "Terlalu banyak percobaan" in login(client, "rina").content.decode()


def test_password_reset_by_email(people):
    client = Client()
    response = client.post("/akun/sandi/lupa/", {"email": people.employee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"http://testserver(/akun/sandi/reset/\S+)", body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.request["PATH_INFO"]
    done = client.post(form_url, {"new_password1": "kata-sandi-baru-99", "new_password2": "kata-sandi-baru-99"})
    assert done.status_code == 302
    assert login(Client(), "rina", "kata-sandi-baru-99").url == "/"
    # Unknown addresses get the same answer and no email.
    client.post("/akun/sandi/lupa/", {"email": "tidak.ada@example.org"})
    assert len(mail.outbox) == 1


def test_idle_session_expiry(people, settings):
    from django.contrib.sessions.models import Session

    client = Client()
    login(client, "rina")
    key = client.session.session_key
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    first = Session.objects.get(session_key=key).expire_date  # the login stamped the session
    client.get("/")  # within the minute: no write
    assert Session.objects.get(session_key=key).expire_date == first
    session = client.session
    session["_touched"] = 0  # the last touch was long ago
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    time.sleep(0.01)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > saved  # the idle window moved forward
    # After 30 idle minutes the session is gone.
    Session.objects.filter(session_key=key).update(expire_date=first.replace(year=2000))
    assert client.get("/").status_code == 302


def test_password_verified_signal_carries_the_password_at_login(people):
    seen = []

    def receiver(sender, request, user, password, **kwargs):
        seen.append((user.username, password))

    password_verified.connect(receiver)
    try:
        login(Client(), "rina")
    finally:
        password_verified.disconnect(receiver)
    assert seen == [("rina", PASSWORD)]


def test_demo_code_is_shown_only_in_demo_mode_for_demo_users(people, settings, monkeypatch):
    # The guard looks at the configured engine; the PostgreSQL run must still see the demo path.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    user = people.leader_jateng
    TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    client = Client()
    login(client, "leader_jateng")
    assert "demo-code" not in client.get("/akun/2fa/").content.decode()
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    settings.DEMO_MODE = True
    assert "demo-code" in client.get("/akun/2fa/").content.decode()
    # The guard: demo mode with PostgreSQL or a public host is refused, and the code disappears.
    settings.ALLOWED_HOSTS = ["marwah.example.go.id"]
    assert demo_mode_is_local(None)
    assert "demo-code" not in client.get("/akun/2fa/").content.decode()


def test_demo_mode_check_refuses_postgres(settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert [e.id for e in demo_mode_is_local(None)] == ["marwah.E001"]


def test_admin_assigns_and_revokes_roles(as_user, people, tree):
    client = as_user(people.admin)
    response = client.post("/akun/peran/", {"username": "rina", "role": Role.NEUTRALITY_TEAM,
                                            "unit": tree.grobogan.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=people.employee, role=Role.NEUTRALITY_TEAM)
    assert AuditEntry.objects.filter(action="role.assign", target_id=str(people.employee.pk)).exists()
    assert client.post(f"/akun/peran/{assignment.pk}/cabut/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_satgas_only_at_kpu_ri_and_provinces(as_user, people, tree):
    client = as_user(people.admin)
    response = client.post("/akun/peran/", {"username": "rina", "role": Role.SATGAS_PKS, "unit": tree.grobogan.pk})
    assert response.status_code == 200
    assert "Keputusan KPU No. 1341 Tahun 2024" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=people.employee, role=Role.SATGAS_PKS).exists()


def test_roles_page_refusals(as_user, people, tree):
    assert as_user(people.leader_jateng).get("/akun/peran/").status_code == 403
    assert as_user(people.employee).get("/akun/peran/").status_code == 403
    other = RoleAssignment.objects.get(user=people.outsider)
    # An admin of Kemenkumham may not touch KPU roles: the assignment is invisible to her.
    from conftest import make_person

    kum_admin = make_person(tree.hq, username="admin_kum", role=Role.ADMIN)
    assert as_user(kum_admin).post(f"/akun/peran/{other.pk}/cabut/").status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("path", ["/", "/pegawai/", "/unit/", "/audit/", "/akun/profil/", "/akun/peran/"])
def test_anonymous_is_sent_to_login(path, db):
    response = Client().get(path)
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


def test_seed_demo_command_prints_logins(db, capsys, settings):
    from marwah.core import demo

    # The full demo loads ~90,000 regions; the command path itself is what is tested here.
    called = []
    original = demo.seed_all
    demo.seed_all = lambda ctx: called.append(ctx)  # noqa: E731
    try:
        import marwah.core.management.commands.seed_demo as cmd

        cmd.seed_all = demo.seed_all
        call_command("seed_demo")
    finally:
        demo.seed_all = original
        cmd.seed_all = original
    assert called and "Demo logins" in capsys.readouterr().out
