"""Signing on a phone-sized screen and downloading the signed PDF; the leader's coverage on a desktop."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import browser_login, screenshot
from marwah.pledges import services
from marwah.pledges.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_on_phone_and_download_pdf(tree, people, pact, launch, new_page, tmp_path):
    campaign = launch(actor=people.admin, unit=tree.jateng, version=pact.versions.first(), place="Purwodadi")
    page = new_page(phone=True)
    browser_login(page, people.employee)
    page.goto("/ikrar/")
    screenshot(page, "pledges-phone-list")
    page.click("text=Baca dan tanda tangani")
    page.wait_for_selector("article.pledge-text")
    assert "PAKTA INTEGRITAS" in page.inner_text("article.pledge-text")
    screenshot(page, "pledges-phone-read")
    page.check("#id_agree")
    page.click("button.sign-btn")
    page.wait_for_selector("text=Unduh PDF bertanda tangan")
    screenshot(page, "pledges-phone-signed")
    signature = Signature.objects.get(campaign=campaign, employee__user=people.employee)
    assert signature.status == "signed"
    with page.expect_download() as info:
        page.click("a.btn >> text=Unduh PDF bertanda tangan")
    path = tmp_path / "ikrar.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    # pyHanko validates with asyncio.run(); Playwright's loop runs in this thread, so check in another one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(services.check_upload, data).result().ok

    # The public verification page, as the QR code opens it, on the phone.
    page.goto(f"/verifikasi/{signature.verify_code}/")
    assert "Rina" in page.inner_text("main")
    screenshot(page, "pledges-phone-verify")


def test_leader_sees_coverage_on_desktop(tree, people, pact, launch, new_page):
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    services.sign(signature=Signature.objects.get(campaign=campaign, employee__user=people.employee), method="password")
    page = new_page()
    browser_login(page, people.leader_jateng)
    page.goto(f"/ikrar/kampanye/{campaign.pk}/")
    assert "Kabupaten Grobogan" in page.inner_text("main")
    screenshot(page, "pledges-desktop-coverage")
    page.click("text=Siapa yang belum menandatangani")
    page.wait_for_selector("table")
    screenshot(page, "pledges-desktop-pending")


def test_kpps_officer_signs_with_a_one_time_code_on_phone(tree, people, pact, launch, new_page):
    from conftest import make_person
    from marwah.people.models import EmploymentType

    officer = make_person(tree.grobogan, username="kpps_hp", name="Yuliana Bria",
                          employment_type=EmploymentType.AD_HOC).employee
    officer.user = None
    officer.save()
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first(),
                      types=[EmploymentType.AD_HOC])
    [issued] = services.issue_codes(campaign=campaign, unit=tree.grobogan, actor=people.leader_grobogan)
    page = new_page(phone=True)
    page.goto("/ikrar/kode/")
    page.fill("#id_code", issued.code.lower())
    screenshot(page, "pledges-phone-code")
    page.click("main button[type=submit]")
    page.click("text=Baca dan tanda tangani")
    assert "Yuliana Bria" in page.inner_text("article.pledge-text")
    page.check("#id_agree")
    page.click("button.sign-btn")
    page.wait_for_selector("text=Unduh PDF bertanda tangan")
    screenshot(page, "pledges-phone-code-signed")
    signature = Signature.objects.get(campaign=campaign, employee=officer)
    assert signature.status == "signed" and signature.method == "code"
