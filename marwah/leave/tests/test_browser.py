"""Journey 3 on a phone: a staff member asks for leave in writing and the chair approves it."""

from __future__ import annotations

import pytest

from conftest import browser_login, make_person, screenshot
from marwah.leave.models import Request, Status
from marwah.people.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_asks_on_phone_and_chair_approves(tree, office, new_page):
    chair_emp = Employee.objects.get(user=office.chair)
    staff = make_person(tree.grobogan, username="nurul", name="Nurul Hasanah", superior=chair_emp)
    page = new_page(phone=True)
    browser_login(page, staff)
    page.goto("/cuti/")
    screenshot(page, "leave-phone-home")
    page.click("text=Ajukan cuti atau izin")
    page.select_option("#id_type", "annual")
    page.fill("#id_start", "2027-01-11")
    page.fill("#id_end", "2027-01-13")
    page.dispatch_event("#id_end", "change")
    page.wait_for_selector("#estimate >> text=hari kerja")
    assert "3 hari kerja" in page.inner_text("#estimate")
    page.fill("#id_reason", "Menghadiri pernikahan adik di Ternate")
    screenshot(page, "leave-phone-request")
    page.click("button >> text=Kirim secara tertulis")
    page.wait_for_selector("text=Menunggu atasan langsung")
    screenshot(page, "leave-phone-sent")
    req = Request.objects.get(employee__user=staff)
    assert req.status == Status.WAITING_SUPERIOR

    chair = new_page(phone=True)
    browser_login(chair, office.chair)
    chair.goto("/")
    screenshot(chair, "leave-phone-chair-home")
    chair.goto("/cuti/")
    chair.click("text=Nurul Hasanah")
    chair.check("input[name=action][value=approve]")
    chair.fill("#id_note", "Disetujui. Serahkan pekerjaan kepada Kasubbag.")
    screenshot(chair, "leave-phone-chair-decide")
    chair.click("button >> text=Catat keputusan")
    chair.wait_for_selector("text=Unduh surat bertanda tangan (PDF)")
    screenshot(chair, "leave-phone-chair-approved")
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.verify_code

    page.goto(f"/cuti/{req.pk}/")
    assert "Disetujui" in page.inner_text("main")
    with page.expect_download() as info:
        page.click("text=Unduh surat bertanda tangan (PDF)")
    path = info.value.path()
    assert open(path, "rb").read(4) == b"%PDF"
    import shutil
    import subprocess

    from conftest import SCREENSHOTS

    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                        str(SCREENSHOTS / "leave-letter")], check=True)
