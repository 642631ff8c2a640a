"""Journey 7 in a real browser: the Biro Kepegawaian opens the dashboard (desktop and phone),
a Kanwil sends its quarterly report, the Biro acknowledges it and downloads its own report."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import DESKTOP, PHONE, SCREENSHOTS, browser_login, make_person, screenshot
from marwah.accounts.models import Role
from marwah.cases.tests.factories import submit
from marwah.monitoring import periods
from marwah.monitoring.models import PeriodicReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kanwil_sends_and_biro_acknowledges_and_downloads(new_page, tree, settings):
    settings.MARWAH_KEY_KDF = (1, 8192)
    biro = make_person(tree.hq, username="kepegawaian", name="Kepala Biro", role=Role.HR)
    kanwil = make_person(tree.kanwil_ntt, username="marciana", name="Marciana", role=Role.UNIT_LEADER)
    for kind in ["n_social_campaign"] * 6 + ["d_absence"] * 4 + ["sv_nonphysical"] * 2:
        submit(kind=kind, unit=tree.kanwil_ntt)
    quarter = periods.value_of(periods.current_quarter(timezone.localdate()))

    page = new_page()
    browser_login(page, kanwil)
    page.goto(f"/monitoring/reports/?unit={tree.kanwil_ntt.pk}&period=quarter&value={quarter}")
    page.click("form[action$='/reports/start/'] button[type=submit]")
    page.fill("#id_evaluation", "Internalisasi pada apel pagi berjalan; pelanggaran di media sosial menurun.")
    page.fill("#id_follow_up", "Sosialisasi ulang di Lapas Kupang bulan depan.")
    page.click("form.stack button[type=submit]")
    page.click("form[action$='/build/'] button[type=submit]")
    page.wait_for_selector("a[href$='download.pdf']")
    screenshot(page, "monitoring-01-kanwil-report-ready")
    page.click("form[action$='/send/'] button[type=submit]")
    page.wait_for_selector("#report-state")
    report = PeriodicReport.objects.get(unit=tree.kanwil_ntt)
    assert report.status == "sent"

    biro_page = new_page()
    browser_login(biro_page, biro)
    biro_page.goto(f"/monitoring/?period=quarter&value={quarter}")
    biro_page.wait_for_selector("svg.mon-chart", state="attached")
    assert "< 5" in biro_page.inner_text("main")
    screenshot(biro_page, "monitoring-02-biro-dashboard")
    biro_page.set_viewport_size(PHONE)  # the same session on a phone-width screen
    biro_page.reload()
    biro_page.wait_for_selector("svg.mon-chart", state="attached")
    screenshot(biro_page, "monitoring-03-biro-dashboard-phone")
    width = biro_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, width
    biro_page.set_viewport_size(DESKTOP)

    biro_page.goto(f"/monitoring/reports/?unit={tree.hq.pk}&period=quarter&value={quarter}")
    screenshot(biro_page, "monitoring-04-biro-who-has-sent")
    biro_page.click(f"a[href='/monitoring/reports/{report.pk}/']")
    biro_page.check("input[name=decision][value=acknowledge]")
    biro_page.click("form[action$='/review/'] button[type=submit]")
    biro_page.wait_for_url("**/monitoring/reports/?**")
    report.refresh_from_db()
    assert report.status == "acknowledged" and report.reviewed_by == biro

    # The Biro's own quarterly report, consolidated from the sent ones, downloaded as PDF.
    biro_page.click("form[action$='/reports/start/'] button[type=submit]")
    biro_page.fill("#id_evaluation", "Semua Kanwil melaporkan tepat waktu.")
    biro_page.fill("#id_follow_up", "Rekapitulasi disampaikan kepada Sekretaris Jenderal.")
    biro_page.click("form.stack button[type=submit]")
    biro_page.click("form[action$='/build/'] button[type=submit]")
    biro_page.wait_for_selector("a[href$='download.pdf']")
    screenshot(biro_page, "monitoring-05-biro-report-ready")
    with biro_page.expect_download() as info:
        biro_page.click("a[href$='download.pdf']")
    target = SCREENSHOTS / "monitoring-report.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(SCREENSHOTS / "monitoring-pdf")], check=True)
    assert Path(SCREENSHOTS / "monitoring-pdf-1.png").exists() or list(SCREENSHOTS.glob("monitoring-pdf-*.png"))
