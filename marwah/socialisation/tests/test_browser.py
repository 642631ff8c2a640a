"""On a phone: a participant checks in by scanning the room screen's code; an organiser ticks attendance at an apel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import browser_login, screenshot
from marwah.people.models import Employee
from marwah.socialisation import services
from marwah.socialisation.models import Attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_checks_in_by_scanning_on_phone(tree, people, make_session, new_page):
    session = make_session()
    services.add_material(actor=people.satgas_jateng, kind="link", title="Salindia LRC-KJHAM", session=session,
                          url="https://example.org/salindia.pdf")
    screen = new_page()
    browser_login(screen, people.satgas_jateng)
    screen.goto(f"/sosialisasi/sesi/{session.pk}/layar/")
    screen.wait_for_selector(".qr-box svg")
    url = screen.get_attribute(".qr-box", "data-url")
    assert url and f"/sosialisasi/hadir/{session.pk}/" in url
    screenshot(screen, "socialisation-desktop-room-screen")

    phone = new_page(phone=True)
    phone.goto(url)  # what the camera opens; Rina is not logged in on this phone yet
    assert session.title in phone.inner_text("main")
    screenshot(phone, "socialisation-phone-scan-landing")
    phone.click("text=Masuk untuk presensi")
    phone.fill("#id_username", people.employee.username)
    phone.fill("#id_password", "rahasia-uji-123")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#checkin-btn")
    phone.click("#checkin-btn")
    phone.wait_for_selector("#checked-in")
    assert "kehadiran Anda tercatat" in phone.inner_text("#checked-in")
    screenshot(phone, "socialisation-phone-checked-in")
    row = Attendance.objects.get(session=session, employee__user=people.employee)
    assert row.method == "qr"
    phone.goto(f"/sosialisasi/sesi/{session.pk}/")
    screenshot(phone, "socialisation-phone-session")

    # The organiser's session page on the desktop, after the check-in.
    screen.goto(f"/sosialisasi/sesi/{session.pk}/")
    assert "Salindia LRC-KJHAM" in screen.inner_text("main")
    screenshot(screen, "socialisation-desktop-session")


def test_organiser_ticks_attendance_at_an_apel_on_phone(tree, people, pks, new_page):
    from conftest import make_person

    for name in ("Agus Santoso", "Dewi Lestari", "Eko Pratama", "Fitri Hidayat"):
        make_person(tree.grobogan, username=name.split()[0].lower(), name=name)
    phone = new_page(phone=True)
    browser_login(phone, people.leader_grobogan)
    phone.goto("/sosialisasi/apel/baru/")
    phone.select_option("#id_topic", str(pks.pk))
    phone.select_option("#id_unit", str(tree.grobogan.pk))
    screenshot(phone, "socialisation-phone-apel-start")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#tick-rows")
    rina = Employee.objects.get(user=people.employee)
    dewi = Employee.objects.get(name="Dewi Lestari")
    for person in (rina, dewi):
        phone.click(f"button[data-employee='{person.pk}']")
        phone.wait_for_selector(f".is-present button[data-employee='{person.pk}']")
    phone.fill("#tick-search", "Agus")
    expect(phone.locator("#tick-rows li")).to_have_count(1)  # no wait_for_function: the page's CSP forbids eval
    phone.click("#tick-rows button.tick-btn")
    phone.wait_for_selector("#tick-rows .is-present")
    phone.fill("#tick-search", "")
    expect(phone.locator("#tick-rows li").nth(1)).to_be_visible()
    assert "3 hadir" in phone.inner_text("#present-count")
    screenshot(phone, "socialisation-phone-apel-ticked")
    names = set(Attendance.objects.values_list("employee__name", flat=True))
    assert names == {"Rina", "Dewi Lestari", "Agus Santoso"}
    assert set(Attendance.objects.values_list("method", flat=True)) == {"ticked"}

    services.refresh_headcounts(institution=tree.kpu)
    desk = new_page()
    browser_login(desk, people.leader_jateng)
    desk.goto(f"/sosialisasi/cakupan/?topic={pks.pk}")
    assert "KPU Kabupaten Grobogan" in desk.inner_text("main")
    screenshot(desk, "socialisation-desktop-coverage")
    desk.goto(f"/sosialisasi/cakupan/?topic={pks.pk}&unit={tree.grobogan.pk}")
    desk.click("text=Siapa yang belum hadir")
    desk.wait_for_selector("table")
    assert "Eko Pratama" in desk.inner_text("main") and "Dewi Lestari" not in desk.inner_text("main")
    screenshot(desk, "socialisation-desktop-not-attended")
    phone.goto(f"/sosialisasi/cakupan/?topic={pks.pk}&unit={tree.grobogan.pk}")
    screenshot(phone, "socialisation-phone-coverage")
