"""A 10,000-character URL in a conversation wraps on a 360 px phone, for the reporter and the handler."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import browser_login, screenshot
from marwah.reporting.models import Report
from marwah.reporting.tests.conftest import PASSWORD, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://contoh.example/" + "a1b2c3d4e5" * 997  # 9,993 characters, no break opportunity


def _width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_long_url_wraps_for_reporter_and_handler(new_page, tree, people, handlers):
    receipt = submit(Client(), tree, narrative="Lihat tautan berikut. " + LONG_URL[:4000])
    reporter = new_page(phone=True)
    reporter.goto("/lapor/kembali/")
    reporter.fill("#id_receipt", receipt)
    reporter.click("main form button[type=submit]")
    reporter.wait_for_url("**/lapor/kembali/laporan/")
    reporter.fill("#id_text", LONG_URL)
    reporter.click("main form button[type=submit]")
    reporter.wait_for_selector(".rp-thread li")
    assert _width(reporter) <= 360
    screenshot(reporter, "wrap-reporter-phone")

    handler = new_page(phone=True)
    browser_login(handler, handlers.mey)
    handler.goto("/kasus/kunci/buka/")
    handler.fill("#id_password", PASSWORD)
    handler.click("main form button[type=submit]")
    case = Report.objects.get().case
    handler.goto(f"/kasus/{case.public_id}/")
    handler.wait_for_selector("#conversation .rp-thread li")
    assert _width(handler) <= 360
    screenshot(handler, "wrap-handler-phone")
