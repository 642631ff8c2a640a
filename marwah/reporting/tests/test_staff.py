"""Staff views: refusals for everyone without the case, the identity gate, keys and matching."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marwah.accounts.signals import password_changed
from marwah.audit.models import AuditEntry
from marwah.reporting import crypto, services, vault
from marwah.reporting.models import Evidence, IdentityRequest, MatchToken, Report, ReportAccess, UserKey
from marwah.reporting.signals import repeat_match
from marwah.reporting.tests.conftest import PASSWORD, png_bytes, report_data, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def custodian(tree):
    """An identity custodian for KPU (the role covers the subtree), with a key pair."""
    from conftest import make_person

    user = make_person(tree.ri, username="kustodian", name="Kustodian KPU", role="custodian")
    vault.unlock_user_key(user=user, password=PASSWORD)
    return user


@pytest.fixture
def report(tree, handlers, bambang, custodian):
    client = Client()
    data = report_data(tree, accused=[str(bambang.pk)], identity_mode="named", reporter_name="Rina Lestari",
                       reporter_contact="0812-0000-1111")
    data["files"] = [SimpleUploadedFile("bukti.png", png_bytes(), "image/png")]
    assert client.post(reverse("reporting:form", args=["sexual_violence"]), data).status_code == 302
    return Report.objects.get()


def staff_urls(report):
    evidence = Evidence.objects.filter(report=report).first()
    return [
        ("get", reverse("reporting_staff:content", args=[report.public_id])),
        ("get", reverse("reporting_staff:conversation", args=[report.public_id])),
        ("post", reverse("reporting_staff:conversation", args=[report.public_id])),
        ("get", reverse("reporting_staff:evidence", args=[report.public_id, evidence.pk])),
        ("get", reverse("identity:request", args=[report.public_id])),
        ("post", reverse("identity:request", args=[report.public_id])),
        ("post", reverse("identity:decide", args=[1])),
        ("get", reverse("identity:inbox")),
    ]


@pytest.mark.parametrize("who", ["outsider", "employee", "satgas_jatim", "auditor", "admin"])
def test_staff_views_refuse_everyone_without_the_case(report, people, unlocked, who):
    client = unlocked(getattr(people, who))
    for method, url in staff_urls(report):
        response = getattr(client, method)(url, {"text": "x" * 30, "reason": "x" * 30})
        assert response.status_code == 404, (who, url)


def test_staff_views_refuse_anonymous_visitors(report, client):
    for method, url in staff_urls(report):
        assert getattr(client, method)(url).status_code in (302, 404), url
    assert client.get(reverse("keys:unlock")).status_code == 302


def test_the_accused_cannot_open_the_report(report, bambang, unlocked, tree):
    from marwah.accounts.models import RoleAssignment, User

    user = User.objects.create_user(username="bambang_acc", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role="satgas", unit=tree.jateng)
    bambang.user = user
    bambang.save()
    client = unlocked(user)
    for method, url in staff_urls(report):
        assert getattr(client, method)(url).status_code == 404


def test_locked_session_is_sent_to_unlock(report, handlers, as_user):
    client = as_user(handlers.mey)  # logged in without the password: no key in the session
    page = client.get(reverse("reporting_staff:content", args=[report.public_id])).content.decode()
    assert reverse("keys:unlock") in page and "Rina" not in page
    evidence = Evidence.objects.get(report=report)
    response = client.get(reverse("reporting_staff:evidence", args=[report.public_id, evidence.pk]))
    assert response.status_code == 302 and reverse("keys:unlock") in response["Location"]


def test_unlock_with_wrong_password_is_refused(handlers, as_user):
    client = as_user(handlers.mey)
    response = client.post(reverse("keys:unlock"), {"password": "salah-sekali-123"})
    assert response.status_code == 400
    assert vault.SESSION_USER_KEY not in client.session


def test_content_never_shows_the_reporter_identity(report, handlers, unlocked):
    page = unlocked(handlers.mey).get(reverse("reporting_staff:content", args=[report.public_id])).content.decode()
    assert "Bambang Sutrisno" in page
    assert "Rina Lestari" not in page and "0812-0000-1111" not in page


def test_identity_needs_a_reason_and_a_custodian(report, handlers, unlocked, custodian):
    mey, kiki, keeper = unlocked(handlers.mey), unlocked(handlers.kiki), unlocked(custodian)
    url = reverse("identity:request", args=[report.public_id])
    assert mey.post(url, {"reason": "kurang"}).status_code == 400  # too short
    assert mey.post(url, {"reason": "Perlu menghubungi pelapor untuk jadwal pemeriksaan."}).status_code == 302
    req = IdentityRequest.objects.get()
    assert "jadwal" not in req.reason  # the reason is encrypted
    assert "Rina Lestari" not in mey.get(url).content.decode()
    # A teammate cannot approve: only custodians decide (404: not a custodian).
    assert kiki.post(reverse("identity:decide", args=[req.pk]), {"decision": "approve"}).status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"
    # The custodian reads the reason (sealed to them), never the report, and approves.
    inbox = keeper.get(reverse("identity:inbox")).content.decode()
    assert "Perlu menghubungi pelapor" in inbox and "Rina Lestari" not in inbox
    assert keeper.get(reverse("reporting_staff:content", args=[report.public_id])).status_code == 404
    assert keeper.post(reverse("identity:decide", args=[req.pk]), {"decision": "approve"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == custodian and req.sealed_share
    page = mey.get(url).content.decode()
    assert "Rina Lestari" in page and "0812-0000-1111" in page
    # Kiki (the team) and the custodian did not get to see it.
    assert "Rina Lestari" not in kiki.get(url).content.decode()
    assert "Rina Lestari" not in keeper.get(reverse("identity:inbox")).content.decode()
    actions = list(AuditEntry.objects.filter(action__startswith="reporting.identity").values_list("action", flat=True))
    assert {"reporting.identity_requested", "reporting.identity_approved", "reporting.identity_viewed"} <= set(actions)


def test_password_change_rewraps_and_reset_keeps_everything(report, handlers):
    mey = handlers.mey
    before = bytes(UserKey.objects.get(user=mey).public_key)
    password_changed.send(sender=type(mey), request=None, user=mey, password="baru-sekali-456",
                          old_password=PASSWORD)
    uk = UserKey.objects.get(user=mey)
    assert bytes(uk.public_key) == before
    assert vault.unlock_user_key(user=mey, password="baru-sekali-456")
    assert ReportAccess.objects.filter(user=mey, report=report).exists()
    # A reset by e-mail: the old key cannot be opened with the new password, but nothing is replaced
    # or deleted (the recovery key restores it; see test_keys.py).
    password_changed.send(sender=type(mey), request=None, user=mey, password="reset-lagi-789", old_password=None)
    assert bytes(UserKey.objects.get(user=mey).public_key) == before
    assert ReportAccess.objects.filter(user=mey, report=report).exists()
    assert vault.unlock_user_key(user=mey, password="reset-lagi-789") is None


def test_share_access_reseals_for_a_teammate(report, handlers, unlocked, tree, rf):
    from conftest import make_person

    newcomer = make_person(tree.jateng, username="baru", role="satgas")
    vault.unlock_user_key(user=newcomer, password=PASSWORD)
    kiki = unlocked(handlers.kiki)
    request = rf.get("/")
    request.user = handlers.kiki
    request.session = kiki.session
    request.COOKIES = {name: morsel.value for name, morsel in kiki.cookies.items()}  # the browser key
    assert vault.share_access(request=request, report=report, users=[newcomer]) == 1
    assert vault.user_can_decrypt(newcomer, report)
    assert vault.share_access(request=request, report=report, users=[newcomer]) == 0  # idempotent


def test_match_alert_only_on_the_second_independent_report(tree, handlers, bambang):
    calls = []

    def receiver(sender, reports, **kwargs):
        calls.append([r.pk for r in reports])

    repeat_match.connect(receiver, dispatch_uid="test-match")
    try:
        first = Client()
        submit(first, tree, accused=[str(bambang.pk)])
        assert calls == []
        submit(first, tree, accused=[str(bambang.pk)])  # same reporter again: not independent
        assert calls == []
        submit(Client(), tree, accused_text="Bambang Sutrisno, S.Pd.", kind="sv_physical")  # typed, same office
        assert len(calls) == 1 and len(calls[0]) == 3
        submit(Client(), tree, "neutrality", kind="n_banner", accused=[str(bambang.pk)])  # not sexual violence
        assert len(calls) == 1
    finally:
        repeat_match.disconnect(dispatch_uid="test-match")
    tokens = list(MatchToken.objects.values_list("token", flat=True))
    assert all(len(t) == 64 for t in tokens)
    assert not any(bambang.nip in t or "bambang" in t for t in tokens)


def test_different_person_does_not_match(tree, handlers, bambang):
    calls = []
    repeat_match.connect(lambda sender, reports, **kw: calls.append(reports), dispatch_uid="test-nomatch", weak=False)
    try:
        submit(Client(), tree, accused=[str(bambang.pk)])
        submit(Client(), tree, accused_text="Orang Lain Sama Sekali")
        assert calls == []
    finally:
        repeat_match.disconnect(dispatch_uid="test-nomatch")


def test_purge_deletes_content_and_keeps_statistics(report, handlers, unlocked, settings, django_capture_on_commit_callbacks):
    from pathlib import Path

    stored = Path(settings.MEDIA_ROOT) / "reporting" / "evidence" / Evidence.objects.get(report=report).stored_name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.purge_report_content(report=report)
    report.refresh_from_db()
    assert report.purged_at and not report.content and not report.identity and report.receipt_lookup is None
    assert report.category == "sexual_violence" and report.unit_id and report.submitted_at
    assert not stored.exists()
    assert not Evidence.objects.filter(report=report).exists()
    assert not ReportAccess.objects.filter(report=report).exists()
    assert not MatchToken.objects.filter(report=report).exists()
    response = unlocked(handlers.mey).get(reverse("reporting_staff:content", args=[report.public_id]))
    assert response.status_code == 404


def test_crypto_refuses_tampering_and_wrong_place():
    key = crypto.new_key()
    token = crypto.encrypt_text(key, "rahasia", aad="report:a:content")
    assert crypto.decrypt_text(key, token, aad="report:a:content") == "rahasia"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(key, token, aad="report:b:content")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(crypto.new_key(), token, aad="report:a:content")
    assert crypto.normalise_receipt("1234 5678-9012 3456") == "1234567890123456"
    assert crypto.normalise_receipt("1234 5678 9012 345x") is None
