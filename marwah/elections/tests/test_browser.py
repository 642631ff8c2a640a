"""Journey 6 in a browser: the neutrality team member sees the running stage, logs a lead with a
screenshot, reads the suggestion and its reasons, and opens the case — desktop and phone."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import browser_login, make_person, screenshot
from marwah.accounts.models import Role
from marwah.cases.models import Case
from marwah.people.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(tree, people):
    head = make_person(tree.kanwil_ntt, username="marciana", name="Marciana")
    make_person(tree.hq, username="kepegawaian", role=Role.HR)
    return make_person(tree.kanwil_ntt, username="pegawai_ntt", name="Yosef",
                       superior=Employee.objects.get(user=head))


def _png(tmp_path):
    path = tmp_path / "tangkapan-layar.png"
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), "#dfe8f5").save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_team_member_logs_a_lead_and_opens_the_case(phone, people, staff, running_election, new_page, tmp_path):
    name = "phone" if phone else "desktop"
    page = new_page(phone=phone)
    browser_login(page, people.neutrality)
    page.goto("/")
    main = page.inner_text("main")
    assert "Masa kampanye" in main and "24 hari" in main
    screenshot(page, f"elections-{name}-home-panel")

    page.goto("/pemilu/")
    assert "Pilkada Uji" in page.inner_text("main")
    screenshot(page, f"elections-{name}-calendar")

    page.goto("/kasus/temuan-netralitas/")
    page.fill("#id_employee", Employee.objects.get(user=staff).nip)
    page.fill("#id_text", "Komentar 'Gaspol BUSRI nomor 1, Jateng Bersinar!' di postingan akun #BusriJateng")
    page.select_option("#id_action", "comment")
    page.set_input_files("#id_screenshot", str(_png(tmp_path)))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#suggestion")
    box = page.inner_text("#suggestion")
    assert "berpihak" in box and "BUSRI" in box and "#BusriJateng" in box and "nomor urut" in box
    assert "tangkapan-layar.png" in page.inner_text("main")
    screenshot(page, f"elections-{name}-lead-suggestion")

    page.click("main form button[type=submit]")
    page.wait_for_selector(".case-head")
    case = Case.objects.get()
    assert case.report.evidence_count == 1
    main = page.inner_text("main")
    assert "Masa kampanye" in main and "tangkapan-layar.png" in main
    screenshot(page, f"elections-{name}-case")


def test_team_member_plans_and_records_a_watch_task(people, running_election, new_page):
    page = new_page(phone=True)
    browser_login(page, people.neutrality)
    page.goto("/pemilu/pengawasan/")
    page.click("text=Buat tugas untuk unit saya dari titik rawan")
    page.wait_for_selector(".el-tasks")
    screenshot(page, "elections-phone-watch-tasks")
    page.click(".el-tasks li >> nth=0 >> text=Catat yang diperiksa")
    page.fill("#id_checked", "Akun publik 40 pegawai, 1–7 Desember")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".badge.ok")
    screenshot(page, "elections-phone-watch-recorded")
