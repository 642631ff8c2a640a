"""Issue 7 in a real browser: the identity gate needs a custodian; a reset handler restores the key."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import browser_login, make_person, screenshot
from marwah.accounts.models import Role
from marwah.accounts.signals import password_changed
from marwah.reporting import vault
from marwah.reporting.models import Report
from marwah.reporting.tests.conftest import PASSWORD, report_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_identity_needs_a_custodian_in_the_browser(new_page, tree, people, handlers):
    keeper = make_person(tree.ri, username="kustodian", name="Wahyu Kustodian", role=Role.IDENTITY_CUSTODIAN)
    vault.unlock_user_key(user=keeper, password=PASSWORD)
    data = report_data(tree, identity_mode="named", reporter_name="Rina NAMA-UJI", reporter_contact="0812-1")
    assert Client().post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    report = Report.objects.get()

    mey = new_page()
    browser_login(mey, handlers.mey)
    mey.goto(f"/kasus/{report.public_id}/identitas/")
    mey.fill("textarea[name=reason]", "Pelapor perlu dihubungi untuk jadwal pemeriksaan saksi.")
    mey.click("main form button[type=submit]")
    mey.wait_for_selector("text=Menunggu kustodian identitas.")
    assert "NAMA-UJI" not in mey.content()
    screenshot(mey, "keys-01-identity-request-waiting")

    phone = new_page(phone=True)
    browser_login(phone, keeper)
    phone.goto("/kasus/identitas-pelapor/")
    phone.wait_for_selector("text=jadwal pemeriksaan saksi")
    assert "NAMA-UJI" not in phone.content()
    screenshot(phone, "keys-02-custodian-inbox-phone")
    phone.click("button[value=approve]")
    phone.wait_for_selector("text=Tidak ada permintaan yang menunggu.")

    mey.goto(f"/kasus/{report.public_id}/identitas/")
    mey.wait_for_selector("text=Rina NAMA-UJI")
    screenshot(mey, "keys-03-identity-revealed")


def test_reset_handler_restores_the_key_with_the_recovery_key(new_page, tree, people, handlers):
    mey = handlers.mey
    assert Client().post(reverse("reporting:form", args=["sexual_violence"]),
                         report_data(tree, narrative="Narasi PULIH-UJI rahasia.")).status_code == 302
    report = Report.objects.get()
    # Mey makes her recovery key from her profile (shown once).
    page = new_page(phone=True)
    browser_login(page, mey)
    page.goto("/akun/profil/")
    page.click("form[action$='kunci-pemulihan/'] button")
    recovery = page.inner_text(".recovery-key").strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", recovery)
    screenshot(page, "keys-04-recovery-key-shown-once-phone")
    page.click("main form[action$='keluar/'] button, header form[action$='keluar/'] button")

    # A reset: the new password no longer opens her key; nothing was deleted.
    mey.set_password("sandi-reset-baru-99")
    mey.save()
    password_changed.send(sender=type(mey), request=None, user=mey, password="sandi-reset-baru-99",
                          old_password=None)
    TOTPDevice.objects.filter(user=mey).update(last_t=-1)
    again = new_page(phone=True)
    browser_login(again, mey, password="sandi-reset-baru-99")
    again.wait_for_url(re.compile(r"/akun/kunci/pulihkan/"))
    screenshot(again, "keys-05-restore-your-key-phone")
    again.fill("#id_password", "sandi-reset-baru-99")
    again.fill("#id_recovery_key", recovery)
    again.click("button[value=recover]")
    again.goto(f"/kasus/{report.public_id}/")
    again.wait_for_selector("text=PULIH-UJI")
