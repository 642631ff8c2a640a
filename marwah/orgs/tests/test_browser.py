import pytest

from conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_province_leader_sees_only_her_province(new_page, people, tree, phone):
    page = new_page(phone=phone)
    browser_login(page, people.leader_jateng)
    assert page.locator("h1").inner_text().startswith("Selamat datang")
    if phone:
        page.click(".menu-toggle")
    page.click("nav#main-nav >> text=Unit")
    assert page.locator("h1").inner_text() == "KPU Provinsi Jawa Tengah"
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Grobogan" in rows.first.inner_text()
    screenshot(page, f"orgs-province-leader-{'phone' if phone else 'desktop'}")
    page.click("text=KPU Kabupaten Grobogan")
    assert page.locator("h1").inner_text() == "KPU Kabupaten Grobogan"
    # Another province and the national office are simply not there for her.
    assert page.goto(f"/unit/{tree.surabaya.pk}/").status == 404
    assert page.goto(f"/unit/{tree.ri.pk}/").status == 404
    page.goto("/pegawai/")
    body = page.locator("table").inner_text()
    assert "Rina" in body and "Outsider" not in body
    screenshot(page, f"people-province-leader-{'phone' if phone else 'desktop'}")
