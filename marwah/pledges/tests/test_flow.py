"""The whole flow through the HTTP views: campaign → sign → PDF → public verification."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marwah.pledges import services
from marwah.pledges.models import Campaign, Signature
from marwah.pledges.selectors import _CAMPAIGNS
from marwah.pledges.text import fill, text_hash

PASSWORD = "rahasia-uji-123"


def _sig(campaign, user) -> Signature:
    return Signature.objects.get(campaign=campaign, employee__user=user)


def test_leader_launches_person_signs_downloads_and_verifies(tree, people, pact, as_user,
                                                              django_capture_on_commit_callbacks, tmp_path):
    leader = as_user(people.leader_jateng)
    version = pact.versions.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(reverse("pledges:campaign_new"), {
            "version": version.pk, "unit": tree.jateng.pk, "title": "Pakta Integritas Pilkada",
            "place": "Semarang", "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat()})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == "active"
    # leader_jateng, mey (jateng) + leader_grobogan, rina (grobogan)
    assert campaign.in_scope == 4

    rina = as_user(people.employee)
    home = rina.get("/")
    assert "Pakta Integritas Pegawai" in home.content.decode()
    signature = _sig(campaign, people.employee)
    page = rina.get(reverse("pledges:sign", args=[signature.pk]))
    assert page.status_code == 200
    assert "tidak duduk bersama atau bertemu pengurus partai politik" in page.content.decode()
    assert "Rina" in page.content.decode()

    wrong = rina.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on", "password": "salah-sandi-99"})
    assert wrong.status_code == 400
    signature.refresh_from_db()
    assert signature.status == "pending"
    ok = rina.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on", "password": PASSWORD})
    assert ok.status_code == 200  # the signed page answers the POST itself: one round trip on a slow phone
    signature.refresh_from_db()
    assert signature.status == "signed" and signature.method == "password"
    assert signature.version_id == version.pk
    assert signature.text_sha256 == text_hash(fill(version.body, signature.fields))
    assert signature.fields["name"] == "Rina" and signature.fields["place"] == "Semarang"
    first = (signature.signed_at, signature.verify_code)

    # Idempotent: a second POST changes nothing and counts once.
    again = rina.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on"})
    assert again.status_code == 302
    signature.refresh_from_db()
    assert (signature.signed_at, signature.verify_code) == first
    counts, _ = services_coverage(campaign, tree.jateng)
    assert (counts.signed, counts.late, counts.pending) == (1, 0, 3)

    pdf = rina.get(reverse("pledges:pdf", args=[signature.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    assert data.startswith(b"%PDF")
    path = tmp_path / "ikrar.pdf"
    path.write_bytes(data)
    from pypdf import PdfReader

    text = PdfReader(str(path)).pages[0].extract_text()
    assert "PAKTA INTEGRITAS" in text and signature.verify_code in text

    # Public page: no login; shows name, unit, document, hash; not the NIP.
    public = Client()
    page = public.get(reverse("verify:detail", args=[signature.verify_code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Rina" in body and tree.grobogan.name in body and signature.text_sha256 in body
    assert people.employee.employee.nip not in body
    assert public.get(reverse("verify:detail", args=["NOTACODE"])).status_code == 404

    good = public.post(reverse("verify:upload"), {"pdf": _upload("ikrar.pdf", data)})
    assert good.status_code == 200 and 'data-result="valid"' in good.content.decode()
    tampered = data.replace(b"Rina", b"Rino", 1) if b"Rina" in data else _flip(data)
    bad = public.post(reverse("verify:upload"), {"pdf": _upload("ikrar.pdf", tampered)})
    assert 'data-result="invalid"' in bad.content.decode() and 'data-result="valid"' not in bad.content.decode()
    junk = public.post(reverse("verify:upload"), {"pdf": _upload("x.pdf", b"not a pdf")})
    assert 'data-result="invalid"' in junk.content.decode()


def services_coverage(campaign, unit):
    from marwah.pledges.selectors import coverage

    return coverage(campaign, unit)


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _flip(data: bytes) -> bytes:
    i = data.find(b"stream") + 40
    return data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_reports_signature_valid(tree, people, pact, launch, tmp_path):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = _sig(campaign, people.employee)
    services.sign(signature=signature, method="password", actor=people.employee)
    data = services.ensure_pdf(signature=signature)
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in out
    assert "Total document signed" in out
    path.write_bytes(_flip(data))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" not in out


def test_pdf_is_cached_and_matches_signed_hash(tree, people, pact, launch, django_capture_on_commit_callbacks):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = _sig(campaign, people.employee)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(signature=signature, method="password", actor=people.employee)
    signature.refresh_from_db()
    assert signature.pdf_sha256  # small campaigns render right after signing (immediate backend in tests)
    first = services.ensure_pdf(signature=signature)
    assert services.ensure_pdf(signature=signature) == first


def test_late_signature_is_marked_late(tree, people, pact, launch, as_user):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    _CAMPAIGNS.clear()  # a deadline change reaches running processes within CAMPAIGN_CACHE_SECONDS
    client = as_user(people.employee)
    signature = _sig(campaign, people.employee)
    page = client.get(reverse("pledges:sign", args=[signature.pk]))
    assert "will be marked late" in page.content.decode() or "ditandai terlambat" in page.content.decode()
    client.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on", "password": PASSWORD})
    signature.refresh_from_db()
    assert signature.status == "late"
    counts, _ = services_coverage(campaign, tree.grobogan)
    assert (counts.signed, counts.late) == (0, 1)


def test_recent_login_skips_password(tree, people, pact, launch):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    client = Client()
    client.post(reverse("accounts:login"), {"username": "rina", "password": PASSWORD})
    signature = _sig(campaign, people.employee)
    page = client.get(reverse("pledges:sign", args=[signature.pk]))
    assert 'name="password"' not in page.content.decode()
    client.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on"})
    signature.refresh_from_db()
    assert signature.is_signed


def test_must_tick_agreement(tree, people, pact, launch, as_user):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = _sig(campaign, people.employee)
    response = as_user(people.employee).post(reverse("pledges:sign", args=[signature.pk]), {"password": PASSWORD})
    assert response.status_code == 400
    signature.refresh_from_db()
    assert not signature.is_signed


def test_new_version_does_not_change_what_was_signed(tree, people, pact, launch, as_user):
    v1 = pact.versions.first()
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=v1)
    signature = _sig(campaign, people.employee)
    services.sign(signature=signature, method="password", actor=people.employee)
    signature.refresh_from_db()
    old_hash = signature.text_sha256
    admin = as_user(people.admin)
    response = admin.post(reverse("pledges:version_new", args=[pact.pk]),
                          {"title": v1.title, "body": v1.body + "\n7. Poin baru.", "note": "tambah poin"})
    assert response.status_code == 302
    assert pact.versions.count() == 2
    signature.refresh_from_db()
    assert signature.version_id == v1.pk and signature.text_sha256 == old_hash
    assert "Poin baru" not in services.filled_text(signature)
    bad = admin.post(reverse("pledges:version_new", args=[pact.pk]), {"title": "x", "body": "Halo {salary}"})
    assert bad.status_code == 400 and "{salary}" in bad.content.decode()


def test_text_is_escaped_not_injected():
    from marwah.pledges.text import to_html

    html = to_html("# Judul\n\n<script>alert(1)</script> **tebal**\n\n1. satu\n2. dua")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>tebal</strong>" in html and "<ol><li>satu</li><li>dua</li></ol>" in html
    assert to_html("_miring_ dan snake_case, 2 * 3 **") == "<p><em>miring</em> dan snake_case, 2 * 3 **</p>"


def test_out_of_scope_person_gets_404(tree, people, pact, launch, as_user):
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = _sig(campaign, people.employee)
    other = as_user(people.outsider)
    assert other.get(reverse("pledges:sign", args=[signature.pk])).status_code == 404
    assert other.post(reverse("pledges:sign", args=[signature.pk]), {"agree": "on"}).status_code == 404
    assert other.get(reverse("pledges:pdf", args=[signature.pk])).status_code == 404
    assert Client().get(reverse("pledges:sign", args=[signature.pk])).status_code == 404
    signature.refresh_from_db()
    assert not signature.is_signed


def test_unticked_agreement_gets_a_specific_message(people, tree):
    """Issue 9.16: not the generic "This field is required"."""
    from django.utils import translation

    from marwah.pledges.forms import ConfirmSignForm

    with translation.override("id"):
        form = ConfirmSignForm({})
        assert not form.is_valid()
        message = form.errors["agree"][0]
    assert "tidak boleh kosong" not in message.lower() and "centang" in message.lower()


def test_signed_pages_from_the_kept_content_carry_only_the_signers_own_values(
        tree, people, pact, launch, as_user, settings):
    """The sign page's content is kept per campaign and state (core.chrome.fragment): two signers of one
    campaign each see their own text, code and links, escaped, and the page is the one DEBUG renders whole."""
    import re

    from conftest import make_person

    other = make_person(tree.grobogan, username="budi", name="Budi <b>&</b> O'Neil")
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    settings.DEBUG = False
    pages = {}
    for user in (people.employee, other):
        client = as_user(user)
        url = reverse("pledges:sign", args=[_sig(campaign, user).pk])
        assert client.post(url, {"agree": "on", "password": PASSWORD}).status_code == 200
        pages[user.pk] = (client, url)
    rina, budi = _sig(campaign, people.employee), _sig(campaign, other)
    for mine, theirs in ((rina, budi), (budi, rina)):
        client, url = pages[mine.employee.user_id]
        kept = client.get(url).content.decode()
        assert mine.verify_code in kept and theirs.verify_code not in kept
        assert reverse("pledges:pdf", args=[mine.pk]) in kept and reverse("pledges:pdf", args=[theirs.pk]) not in kept
        settings.DEBUG = True
        whole = client.get(url).content.decode()
        settings.DEBUG = False
        assert re.sub(r"\b[A-Za-z0-9]{64}\b|nonce(-|=\")[A-Za-z0-9+/=]+", "X", kept) == \
            re.sub(r"\b[A-Za-z0-9]{64}\b|nonce(-|=\")[A-Za-z0-9+/=]+", "X", whole)
    budi_page = pages[other.pk][0].get(pages[other.pk][1]).content.decode()
    assert "Budi &lt;b&gt;&amp;&lt;/b&gt; O&#x27;Neil" in budi_page and "<b>&</b>" not in budi_page


def test_the_sign_page_is_whole_in_both_paths_and_its_style_carries_the_responses_nonce(
        tree, people, pact, launch, as_user, settings):
    """The sign page is joined from a kept shell (core.chrome.page): the inline CSS is under this response's
    CSP nonce, the form under the signer's own CSRF token, and the page is the one the template engine
    renders (DEBUG on renders it whole every time)."""
    import re

    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    signature = _sig(campaign, people.employee)
    client = as_user(people.employee)
    url = reverse("pledges:sign", args=[signature.pk])
    client.get(url)
    pages = []
    for debug in (False, True):
        settings.DEBUG = debug
        response = client.get(url)
        html = response.content.decode()
        nonce = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'", response["Content-Security-Policy"])
        assert nonce and html.count("<style") == 1 and f'<style nonce="{nonce.group(1)}">' in html
        assert "\u2063" not in html and 'name="csrfmiddlewaretoken"' in html
        pages.append(re.sub(r"\b[A-Za-z0-9]{64}\b|nonce(-|=\")[A-Za-z0-9+/=]+", "X", html))
    assert pages[0] == pages[1]
    settings.DEBUG = False
    signed = client.post(url, {"agree": "on", "password": PASSWORD})
    assert signed.status_code == 200
    signature.refresh_from_db()
    assert signature.verify_code in signed.content.decode() and "<style nonce=" in signed.content.decode()
