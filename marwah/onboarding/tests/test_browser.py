"""Journey 9 in a browser: import people, invite one with the Satgas role, activate on a phone, 2FA, inbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import browser_login, screenshot
from marwah.accounts.models import Role, RoleAssignment
from marwah.people.models import Employee

pytestmark = pytest.mark.browser

CSV = ("nip,nama,jabatan,jenis_kepegawaian,kode_unit,email\n"
       "198703152010012003,Sari Wulandari,Analis SDM,PNS,33.15,sari@example.org\n"
       "199001012015031001,Bagus Prakoso,Staf Teknis,PNS,33.15,\n")
PASSWORD = "Kuda-Lumping-Semarang-77"


def _pick_unit(page, text: str, name: str) -> None:
    page.fill("#id_unit", text)
    page.locator(f"[data-pick-unit][data-unit-name='{name}']").first.click()
    assert name in page.locator("[data-unit-label]").inner_text()


def test_import_invite_activate_on_phone_with_2fa(new_page, people, tree, tmp_path):
    admin = new_page()
    browser_login(admin, people.admin)
    # 1. Import two people; the check and the import run in the background with a progress bar.
    admin.goto("/pegawai/impor/")
    _pick_unit(admin, "Jawa Tengah", "KPU Provinsi Jawa Tengah")
    upload = tmp_path / "pegawai.csv"
    upload.write_text(CSV)
    admin.set_input_files("#id_file", str(upload))
    screenshot(admin, "onboarding-import-form-desktop")
    admin.click("main form button[type=submit]")
    admin.wait_for_selector("form[action$='/terapkan/'] button")
    screenshot(admin, "onboarding-import-preview-desktop")
    admin.click("form[action$='/terapkan/'] button")
    admin.wait_for_selector("a[href^='/undangan/kelola/']")
    assert Employee.objects.filter(nip="198703152010012003", user__isnull=True).exists()
    # 2. Give Sari's NIP the Satgas role: she has no account, so she is invited.
    admin.goto("/akun/peran/")
    admin.fill("#id_username", "198703152010012003")
    admin.select_option("#id_role", Role.SATGAS_PKS)
    _pick_unit(admin, "33", "KPU Provinsi Jawa Tengah")
    screenshot(admin, "onboarding-role-picker-desktop")
    admin.click("main form button[type=submit]")
    admin.wait_for_selector("text=sari@example.org")
    screenshot(admin, "onboarding-invited-desktop")
    token = re.search(r"/undangan/a/([^/\s]+)/", mail.outbox[-1].body).group(1)

    # 3. Sari activates on her phone and is led into the second-factor setup.
    phone = new_page(phone=True)
    phone.goto(f"/undangan/a/{token}/")
    assert phone.url.endswith("/undangan/aktifkan/")
    screenshot(phone, "onboarding-activate-phone")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/akun/2fa/atur/**")
    screenshot(phone, "onboarding-2fa-setup-phone")
    sari = Employee.objects.get(nip="198703152010012003").user
    assert RoleAssignment.objects.filter(user=sari, role=Role.SATGAS_PKS, unit=tree.jateng).exists()
    device = TOTPDevice.objects.get(user=sari, confirmed=False)
    code = str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)
    phone.fill("#id_token", code)
    phone.click("main form button[type=submit]")
    phone.wait_for_selector(".code-list")
    phone.click("main a.btn")
    # 4. Her case inbox opens (empty, but hers).
    phone.goto("/kasus/")
    assert "/akun/" not in phone.url
    screenshot(phone, "onboarding-inbox-phone")
    screenshot(admin, "onboarding-after-desktop")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_bulk_invitation_with_picker_on_a_phone(new_page, people, tree):
    Employee.objects.create(institution=tree.kpu, unit=tree.grobogan, unit_path=tree.grobogan.path,
                            name="Budi Santoso", employee_number="AH-1", employment_type="ad_hoc")
    page = new_page(phone=True)
    browser_login(page, people.hr)
    page.goto("/undangan/kelola/")
    page.fill("#id_unit", "Grob")
    page.wait_for_selector("[data-pick-unit][data-unit-name='KPU Kabupaten Grobogan']")
    screenshot(page, "onboarding-picker-phone")
    page.locator("[data-pick-unit][data-unit-name='KPU Kabupaten Grobogan']").click()
    page.click("form[action$='/massal/'] button[type=submit]")
    page.wait_for_selector("#batch-progress")
    page.wait_for_selector("#batch-progress:not([hx-trigger])")
    screenshot(page, "onboarding-batch-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
