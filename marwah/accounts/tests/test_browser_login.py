import pytest

from conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_leader_logs_in_with_second_factor(new_page, people):
    page = new_page()
    browser_login(page, people.leader_jateng)
    assert page.url.endswith("/")
    assert page.locator("h1").inner_text().startswith(("Welcome", "Selamat datang"))
    screenshot(page, "accounts-home-desktop")
