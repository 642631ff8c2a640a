"""Key handling: unlocked only after the second factor, wiped at logout, purged when expired;
a reset never loses a report (recovery key, re-sharing by the leader, the holder above the team);
the reporter's identity needs a handler AND a custodian, in cryptography."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from marwah.accounts.models import Role
from marwah.accounts.signals import password_changed
from marwah.audit.models import AuditEntry
from marwah.cases.models import Case
from marwah.reporting import browserkey, crypto, identity, vault
from marwah.reporting.models import CustodianShare, IdentityRequest, Report, ReportAccess, RetiredKey, UserKey
from marwah.reporting.selectors import content_aad
from marwah.reporting.tasks import purge_expired_sessions_task
from marwah.reporting.tests.conftest import PASSWORD, report_data
from marwah.reporting.tests.test_dump import login_with_second_factor

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "sandi-baru-sekali-42"


def _content_url(report: Report) -> str:
    return reverse("reporting_staff:content", args=[report.public_id])


def _reads(client: Client, report: Report, text: str) -> bool:
    return text in client.get(_content_url(report)).content.decode()


def _submit(tree, category: str, kind: str, unit, narrative: str, **extra) -> Report:  # type: ignore[no-untyped-def]
    data = report_data(tree, kind=kind, narrative=narrative, unit=str(unit.pk),
                       institution=str(unit.institution_id), **extra)
    assert Client().post(reverse("reporting:form", args=[category]), data).status_code == 302
    return Report.objects.order_by("-pk").first()


# --- Point 1: the key is usable only after the second factor --------------------------------------------

def test_key_is_unlocked_only_after_the_second_factor(tree, people, handlers):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import totp_code

    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi UJI-2FA rahasia.")
    mey = handlers.mey
    TOTPDevice.objects.create(user=mey, name="t", confirmed=True)
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": "mey", "password": PASSWORD}).status_code == 302
    # Password only: the key waits in its own slot that nothing reads; the content stays locked.
    assert vault.SESSION_USER_KEY not in client.session and vault.SESSION_WAITING_KEY in client.session
    request = type("R", (), {})()
    request.user, request.session = mey, client.session
    request.COOKIES = {n: m.value for n, m in client.cookies.items()}
    assert vault.session_private_key(request) is None
    # The unlock page refuses too, before the second factor (the password alone is not enough).
    before_2fa = client.post(reverse("keys:unlock"), {"password": PASSWORD, "next": "/"})
    assert vault.SESSION_USER_KEY not in client.session, before_2fa.status_code
    assert client.post(reverse("accounts:two_factor"), {"token": totp_code(mey), "next": "/"}).status_code == 302
    assert vault.SESSION_USER_KEY in client.session and vault.SESSION_WAITING_KEY not in client.session
    assert _reads(client, report, "UJI-2FA")


def test_logout_wipes_key_material_and_the_browser_key(tree, people, handlers):
    client = login_with_second_factor(handlers.mey)
    session_key = client.session.session_key
    assert client.cookies[browserkey.COOKIE].value
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    cookie = response.cookies[browserkey.COOKIE]
    assert cookie.value == "" and cookie["max-age"] == 0  # expired in the browser


def test_browser_key_cookie_is_httponly_strict_and_secure_in_production(tree, people, handlers, settings):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "mey", "password": PASSWORD})
    cookie = response.cookies[browserkey.COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict" and not cookie["max-age"]


def test_expired_sessions_are_purged_by_the_worker(tree, people, handlers):
    from marwah.core.schedule import JOBS

    assert "marwah.reporting.tasks.purge_expired_sessions_task" in {job.task for job in JOBS}
    client = login_with_second_factor(handlers.mey)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    login_with_second_factor(handlers.kiki)
    purge_expired_sessions_task.call()
    assert not Session.objects.filter(session_key=key).exists()
    assert Session.objects.count() == 1


def test_a_session_without_the_browser_cookie_opens_nothing(tree, people, handlers):
    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi TANPA-KUKI.")
    client = login_with_second_factor(handlers.mey)
    assert _reads(client, report, "TANPA-KUKI")
    del client.cookies[browserkey.COOKIE]  # the session row alone (what the server keeps)
    page = client.get(_content_url(report)).content.decode()
    assert "TANPA-KUKI" not in page and reverse("keys:unlock") in page


# --- Point 4: a reset never loses a report ----------------------------------------------------------------

@pytest.fixture
def ethics(tree, people):
    """A one-person ethics team at KPU RI, and KPU RI's leader (the level above the team)."""
    etik = make_person(tree.ri, username="etik", role=Role.ETHICS)
    leader = make_person(tree.ri, username="ketua_ri", role=Role.UNIT_LEADER)
    for user in (etik, leader):
        vault.unlock_user_key(user=user, password=PASSWORD)
    return type("Ethics", (), {"etik": etik, "leader": leader})()


def _recovery_key(client: Client) -> str:
    page = client.post(reverse("accounts:recovery_key")).content.decode()
    return re.search(r'class="recovery-key">([A-Z2-7-]+)<', page).group(1)


def _reset(user, password: str = NEW_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """A reset by e-mail or an administrator: the key is not opened by the new password."""
    user.set_password(password)
    user.save()
    password_changed.send(sender=type(user), request=None, user=user, password=password, old_password=None)


def _login(user, password: str = NEW_PASSWORD) -> tuple[Client, object]:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import totp_code

    TOTPDevice.objects.get_or_create(user=user, name="dump", defaults={"confirmed": True})
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the same 30 s code again, in a test
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": password}).status_code == 302
    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(user), "next": "/kasus/"})
    return client, response


def test_one_person_team_reset_recovers_with_the_recovery_key(tree, ethics):
    etik = ethics.etik
    report = _submit(tree, "ethics", "e_partisan_meeting", tree.grobogan, "Narasi ETIK-SATU rahasia.")
    case = Case.objects.get(report=report)
    assert {m.user.username for m in case.members.filter(reason="team")} == {"etik"}
    client = login_with_second_factor(etik)
    recovery = _recovery_key(client)
    assert _reads(client, report, "ETIK-SATU")
    copies = ReportAccess.objects.count()

    _reset(etik)
    assert ReportAccess.objects.count() == copies  # nothing deleted
    client, response = _login(etik)
    assert response["Location"].startswith(reverse("accounts:key_recovery"))  # sent to recovery
    assert not _reads(client, report, "ETIK-SATU")
    # The unlock page says the same: the password is right, the key needs the recovery key.
    unlock = client.post(reverse("keys:unlock"), {"password": NEW_PASSWORD, "next": "/kasus/"})
    assert unlock.status_code == 302 and unlock["Location"].startswith(reverse("accounts:key_recovery"))
    wrong = client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "recovery_key": "A" * 32,
                                                          "action": "recover"})
    assert wrong.status_code == 400
    ok = client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "recovery_key": recovery.lower(),
                                                       "action": "recover", "next": "/kasus/"})
    assert ok.status_code == 302
    assert _reads(client, report, "ETIK-SATU")
    # The recovered key is wrapped under the new password again: the next login opens it directly.
    assert vault.unlock_user_key(user=etik, password=NEW_PASSWORD) is not None
    assert AuditEntry.objects.filter(action="reporting.key_recovered").exists()


def test_one_person_team_without_recovery_key_is_reshared_by_the_level_above(tree, ethics):
    etik, leader = ethics.etik, ethics.leader
    report = _submit(tree, "ethics", "e_partisan_meeting", tree.grobogan, "Narasi ETIK-DUA rahasia.")
    assert vault.user_can_decrypt(leader, report)  # the level above holds the key too
    _reset(etik)
    client, _response = _login(etik)
    # Lost the recovery key: a new key pair, the old one and its copies kept (retired, not deleted).
    response = client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "confirm_new": "on",
                                                             "action": "new", "next": "/kasus/"})
    assert response.status_code == 302
    assert RetiredKey.objects.filter(user=etik).count() == 1
    assert ReportAccess.objects.filter(user=etik, report=report).exclude(retired_key=None).exists()
    assert not _reads(client, report, "ETIK-DUA")
    # The leader re-shares from the case page (the team's "share" action).
    boss = login_with_second_factor(leader)
    assert boss.post(reverse("cases:share", args=[Case.objects.get(report=report).public_id])).status_code == 302
    assert _reads(client, report, "ETIK-DUA")


def test_the_holder_above_a_satgas_team_keeps_the_key_and_reshares(tree, people, handlers):
    satgas_ri = make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS)
    vault.unlock_user_key(user=satgas_ri, password=PASSWORD)
    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi ATAS-TIM rahasia.")
    access = ReportAccess.objects.get(report=report, user=satgas_ri)
    assert access.is_escrow
    assert not Case.objects.get(report=report).members.filter(user=satgas_ri).exists()  # not on the case
    # Both Jateng handlers lose their keys; the holder above re-seals to the new key of one of them.
    mey = handlers.mey
    _reset(mey)
    client, _response = _login(mey)
    client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "confirm_new": "on", "action": "new"})
    above = login_with_second_factor(satgas_ri)
    request = type("R", (), {})()
    request.user, request.session = satgas_ri, above.session
    request.COOKIES = {n: m.value for n, m in above.cookies.items()}
    request.__dict__.pop("_mw_browser_key", None)
    assert vault.share_access(request=request, report=report, users=[mey]) == 1
    assert _reads(client, report, "ATAS-TIM")


def test_holders_above_are_never_blocked_people(tree, people, handlers):
    """The reported person sits on the level above: they never get the key."""
    from marwah.people.models import Employee

    satgas_ri = make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS)
    vault.unlock_user_key(user=satgas_ri, password=PASSWORD)
    accused = Employee.objects.get(user=satgas_ri)
    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi BLOK.",
                     accused=[str(accused.pk)])
    assert not ReportAccess.objects.filter(report=report, user=satgas_ri).exists()


# --- Point 3: the identity needs two people ---------------------------------------------------------------

def _private(user) -> bytes:  # type: ignore[no-untyped-def]
    key = vault.unlock_user_key(user=user, password=PASSWORD)
    assert key is not None
    return key


def _all_sealed() -> list[bytes]:
    rows = [bytes(x) for x in ReportAccess.objects.values_list("sealed_key", flat=True)]
    rows += [bytes(x) for x in CustodianShare.objects.values_list("sealed_share", flat=True)]
    rows += [bytes(x) for x in IdentityRequest.objects.exclude(sealed_share=None).values_list("sealed_share",
                                                                                              flat=True)]
    return rows


def _opened_by(private: bytes) -> list[bytes]:
    out = []
    for sealed in _all_sealed():
        try:
            out.append(crypto.unseal(private, sealed))
        except crypto.DecryptionError:
            pass
    return out


def _identity_opens(report: Report, material: list[bytes]) -> bool:
    """Try every pair of what a person can open as the two shares, and every team share."""
    shares = list(material)
    for key in material:
        try:
            shares.append(identity._team_share(report, key))
        except (crypto.DecryptionError, ValueError):
            pass
    for a in shares:
        for b in shares:
            try:
                crypto.decrypt_text(crypto.identity_key_from_shares(a, b), report.identity,
                                    aad=content_aad(report, "identity"))
                return True
            except crypto.DecryptionError:
                continue
    return False


@pytest.fixture
def named_report(tree, people, handlers):
    keeper = make_person(tree.ri, username="kustodian", role=Role.IDENTITY_CUSTODIAN)
    vault.unlock_user_key(user=keeper, password=PASSWORD)
    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi bernama.",
                     identity_mode="named", reporter_name="Rina NAMA-RAHASIA", reporter_contact="0812")
    return type("Named", (), {"report": report, "keeper": keeper})()


def test_a_handler_alone_and_a_custodian_alone_cannot_open_the_identity(named_report, handlers):
    report, keeper = named_report.report, named_report.keeper
    assert CustodianShare.objects.filter(report=report, custodian=keeper).count() == 1
    assert not ReportAccess.objects.filter(report=report, user=keeper).exists()  # never the report key
    mey_material = _opened_by(_private(handlers.mey))
    assert mey_material  # the handler opens the report key...
    assert not _identity_opens(report, mey_material)  # ...but not the identity
    keeper_material = _opened_by(_private(keeper))
    assert keeper_material  # the custodian opens the custodian share...
    assert not _identity_opens(report, keeper_material)  # ...but not the identity
    for key in keeper_material:  # ...nor the report
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_text(key, report.content, aad=content_aad(report, "content"))
    # Together (what an approval does for one handler) they do.
    assert _identity_opens(report, mey_material + keeper_material)


def test_approval_reseals_the_share_to_the_requester_only(named_report, handlers):
    report, keeper = named_report.report, named_report.keeper
    mey = login_with_second_factor(handlers.mey)
    mey.post(reverse("identity:request", args=[report.public_id]), {"reason": "Perlu untuk pemeriksaan saksi."})
    req = IdentityRequest.objects.get()
    login_with_second_factor(keeper).post(reverse("identity:decide", args=[req.pk]), {"decision": "approve"})
    assert _identity_opens(report, _opened_by(_private(handlers.mey)))
    assert not _identity_opens(report, _opened_by(_private(handlers.kiki)))  # the teammate still cannot
    assert not _identity_opens(report, _opened_by(_private(keeper)))
    assert "NAMA-RAHASIA" in mey.get(reverse("identity:request", args=[report.public_id])).content.decode()


def test_custodians_never_get_the_report_key_by_resharing(named_report, handlers):
    report, keeper = named_report.report, named_report.keeper
    client = login_with_second_factor(handlers.mey)
    request = type("R", (), {})()
    request.user, request.session = handlers.mey, client.session
    request.COOKIES = {n: m.value for n, m in client.cookies.items()}
    assert vault.share_access(request=request, report=report, users=[keeper]) == 0
    assert not ReportAccess.objects.filter(report=report, user=keeper).exists()


def test_custodian_pages_refuse_others(named_report, handlers, people):
    mey = login_with_second_factor(handlers.mey)
    assert mey.get(reverse("identity:inbox")).status_code == 404
    other = make_person(people.outsider.employee.unit if hasattr(people.outsider, "employee") else
                        named_report.report.unit, username="kustodian_lain", role=Role.IDENTITY_CUSTODIAN)
    mey.post(reverse("identity:request", args=[named_report.report.public_id]), {"reason": "Perlu untuk pemeriksaan."})
    req = IdentityRequest.objects.get()
    outsider = login_with_second_factor(other)
    # A custodian without a share of this report: 404 (they hold no key to it).
    assert outsider.post(reverse("identity:decide", args=[req.pk]), {"decision": "approve"}).status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"
    assert UserKey.objects.filter(user=other).exists()


def test_a_recovery_key_found_later_restores_the_retired_key(tree, ethics):
    etik = ethics.etik
    report = _submit(tree, "ethics", "e_partisan_meeting", tree.grobogan, "Narasi ETIK-TIGA rahasia.")
    recovery = _recovery_key(login_with_second_factor(etik))
    _reset(etik)
    client, _response = _login(etik)
    client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "confirm_new": "on", "action": "new"})
    assert not _reads(client, report, "ETIK-TIGA")
    # The old recovery key turns up: the retired key's copies are re-sealed to the new key.
    response = client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "recovery_key": recovery,
                                                             "action": "recover"})
    assert response.status_code == 302
    assert _reads(client, report, "ETIK-TIGA")
    assert AuditEntry.objects.filter(action="reporting.retired_key_recovered").exists()


def test_the_holder_above_reshares_from_their_page(tree, people, handlers):
    satgas_ri = make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS)
    vault.unlock_user_key(user=satgas_ri, password=PASSWORD)
    report = _submit(tree, "sexual_violence", "sv_electronic", tree.grobogan, "Narasi HALAMAN-ATAS rahasia.")
    case = Case.objects.get(report=report)
    mey = handlers.mey
    _reset(mey)
    client, _response = _login(mey)
    client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "confirm_new": "on", "action": "new"})
    assert not _reads(client, report, "HALAMAN-ATAS")
    above = login_with_second_factor(satgas_ri)
    page = above.get(reverse("identity:held_above")).content.decode()
    assert case.public_id in page and "Mey" in page and "HALAMAN-ATAS" not in page
    assert above.post(reverse("identity:reshare_above", args=[case.public_id])).status_code == 302
    assert _reads(client, report, "HALAMAN-ATAS")
    # Someone who holds no key above this team: 404, and nothing is shared.
    assert login_with_second_factor(handlers.kiki).get(reverse("identity:held_above")).status_code == 404
    assert login_with_second_factor(people.outsider).post(
        reverse("identity:reshare_above", args=[case.public_id])).status_code == 404


def test_no_identity_depends_on_one_custodian(named_report, handlers, tree):
    """A custodian appointed later gets the share from a colleague, and can then approve alone."""
    report, keeper = named_report.report, named_report.keeper
    newcomer = make_person(tree.jateng, username="kustodian_baru", role=Role.IDENTITY_CUSTODIAN)
    vault.unlock_user_key(user=newcomer, password=PASSWORD)
    assert not CustodianShare.objects.filter(report=report, custodian=newcomer).exists()
    # A team member who becomes a custodian too is never given the share (they hold the report key).
    from marwah.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=handlers.kiki, role=Role.IDENTITY_CUSTODIAN, unit=tree.jateng)
    assert login_with_second_factor(keeper).post(reverse("identity:share")).status_code == 302
    assert CustodianShare.objects.filter(report=report, custodian=newcomer).count() == 1
    assert not CustodianShare.objects.filter(report=report, custodian=handlers.kiki).exists()
    assert not _identity_opens(report, _opened_by(_private(newcomer)))  # the share alone opens nothing
    mey = login_with_second_factor(handlers.mey)
    mey.post(reverse("identity:request", args=[report.public_id]), {"reason": "Perlu untuk pemeriksaan saksi."})
    req = IdentityRequest.objects.get()
    assert login_with_second_factor(newcomer).post(reverse("identity:decide", args=[req.pk]),
                                                   {"decision": "approve"}).status_code == 302
    assert "NAMA-RAHASIA" in mey.get(reverse("identity:request", args=[report.public_id])).content.decode()
    # Anyone without the role cannot trigger it.
    plain = make_person(tree.jateng, username="tanpa_peran", role=Role.SATGAS_PKS)
    assert login_with_second_factor(plain).post(reverse("identity:share")).status_code == 404


def test_a_custodian_who_makes_a_new_key_gets_the_share_back_from_a_colleague(named_report, tree):
    report, keeper = named_report.report, named_report.keeper
    colleague = make_person(tree.ri, username="kustodian_dua", role=Role.IDENTITY_CUSTODIAN)
    vault.unlock_user_key(user=colleague, password=PASSWORD)
    login_with_second_factor(keeper).post(reverse("identity:share"))
    _reset(keeper)
    client, _response = _login(keeper)
    client.post(reverse("accounts:key_recovery"), {"password": NEW_PASSWORD, "confirm_new": "on", "action": "new"})
    assert CustodianShare.objects.filter(report=report, custodian=keeper).exclude(retired_key=None).exists()
    assert login_with_second_factor(colleague).post(reverse("identity:share")).status_code == 302
    active = CustodianShare.objects.get(report=report, custodian=keeper, retired_key=None)
    new_private = vault.unlock_user_key(user=keeper, password=NEW_PASSWORD)
    assert crypto.unseal(new_private, bytes(active.sealed_share))


def test_a_working_key_is_never_replaced(tree, ethics):
    etik = ethics.etik
    before = bytes(UserKey.objects.get(user=etik).public_key)
    client = login_with_second_factor(etik)
    response = client.post(reverse("accounts:key_recovery"), {"password": PASSWORD, "confirm_new": "on",
                                                             "action": "new"})
    assert response.status_code == 302
    assert bytes(UserKey.objects.get(user=etik).public_key) == before and not RetiredKey.objects.exists()
    # Refusals: a wrong password changes nothing; an anonymous visitor is sent to log in.
    assert client.post(reverse("accounts:key_recovery"), {"password": "salah-sekali-99", "confirm_new": "on",
                                                         "action": "new"}).status_code == 400
    assert Client().get(reverse("accounts:key_recovery")).status_code == 302
