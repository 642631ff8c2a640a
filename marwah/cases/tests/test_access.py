"""Who may see a case: the team only. Everyone else gets a 404, finds nothing, hears nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from marwah.audit.models import AuditEntry
from marwah.cases.tests.conftest import emp
from marwah.cases.tests.factories import submit


@pytest.fixture
def sv_case(people, tree, kpu, django_capture_on_commit_callbacks):
    # Kiki is a subordinate of the accused (Bambang) -> conflicted handler.
    k = emp(kpu.kiki)
    k.superior = emp(kpu.bambang)
    k.save(update_fields=["superior"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(kind="sv_electronic", unit=tree.grobogan, accused=[kpu.bambang])
    return report.case


def outsiders(people, kpu):
    # the reported person, an outsider (other province), a conflicted handler, a plain employee,
    # and the reported person's own manager in the same office
    return [kpu.bambang, people.outsider, kpu.kiki, people.employee, kpu.heru, people.satgas_jatim]


def test_team_member_opens_the_case_and_the_read_is_audited(sv_case, people, as_user):
    client = as_user(people.satgas_jateng)
    before = AuditEntry.objects.filter(action="case.read", target_id=str(sv_case.pk)).count()
    page = client.get(f"/kasus/{sv_case.public_id}/")
    assert page.status_code == 200
    assert sv_case.public_id in page.content.decode()
    entry = AuditEntry.objects.filter(action="case.read", target_id=str(sv_case.pk)).latest("id")
    assert entry.actor_id == people.satgas_jateng.pk
    assert AuditEntry.objects.filter(action="case.read", target_id=str(sv_case.pk)).count() == before + 1


def test_nobody_else_sees_finds_or_hears_of_the_case(sv_case, people, kpu, as_user):
    urls = [f"/kasus/{sv_case.public_id}/", f"/kasus/{sv_case.public_id}/surat.pdf"]
    for user in outsiders(people, kpu):
        client = as_user(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        for action in ("status", "tugaskan", "pelindungan", "rujukan", "putusan", "bagikan"):
            assert client.post(f"/kasus/{sv_case.public_id}/{action}/", {"to": "verified"}).status_code == 404
        inbox = client.get("/kasus/", {"q": sv_case.public_id[:6], "status": ""})
        assert inbox.status_code == 200
        assert sv_case.public_id not in inbox.content.decode()
        assert sv_case.public_id not in client.get("/kasus/").content.decode()
        assert not AuditEntry.objects.filter(action="case.read", actor_id=user.pk).exists()
    sent_to = {addr for m in mail.outbox for addr in m.to}
    assert people.satgas_jateng.email in sent_to
    for user in outsiders(people, kpu):
        assert user.email not in sent_to, user.username
    for m in mail.outbox:  # no report content in emails
        assert "sv_electronic" not in m.body and "Bambang" not in m.body


def test_the_team_finds_it_by_search(sv_case, people, as_user):
    client = as_user(people.satgas_jateng)
    assert sv_case.public_id in client.get("/kasus/", {"q": sv_case.public_id[:6]}).content.decode()
    assert sv_case.public_id in client.get("/kasus/", {"q": "KSBE"}).content.decode()


def test_inbox_has_no_n_plus_one(people, tree, kpu, as_user, django_assert_max_num_queries):
    for _ in range(6):
        submit(kind="sv_nonphysical", unit=tree.grobogan)
    client = as_user(people.satgas_jateng)
    client.get("/kasus/")
    with django_assert_max_num_queries(14):
        response = client.get("/kasus/")
    assert response.content.decode().count("/kasus/") >= 6


def test_reported_person_cannot_be_assigned(sv_case, people, kpu, as_user):
    client = as_user(people.satgas_jateng)
    response = client.post(f"/kasus/{sv_case.public_id}/tugaskan/", {"assignee": str(kpu.kiki.pk)})
    assert response.status_code == 400
    sv_case.refresh_from_db()
    assert sv_case.assignee is None


def test_member_without_chair_cannot_assign(sv_case, people, tree, as_user):
    from conftest import make_person
    from marwah.accounts.models import Role

    member = make_person(tree.jateng, username="member2", role=Role.SATGAS_PKS)
    sv_case.members.create(user=member, reason="team")
    client = as_user(member)
    assert client.get(f"/kasus/{sv_case.public_id}/").status_code == 200
    response = client.post(f"/kasus/{sv_case.public_id}/tugaskan/", {"assignee": str(member.pk)})
    assert response.status_code == 400


def test_chair_takes_a_leaver_off_and_reassigns(sv_case, people, tree, as_user):
    from conftest import make_person
    from marwah.accounts.models import Role

    newcomer = make_person(tree.jateng, username="anggota_baru", role=Role.SATGAS_PKS)
    chair = as_user(people.satgas_jateng)
    leader = people.leader_jateng
    url = f"/kasus/{sv_case.public_id}/"
    assert chair.post(url + f"anggota/{leader.pk}/keluar/").status_code == 302
    assert as_user(leader).get(url).status_code == 404  # no longer on the case
    assert chair.post(url + "tugaskan/", {"assignee": str(newcomer.pk)}).status_code == 302
    sv_case.refresh_from_db()
    assert sv_case.assignee == newcomer
    assert as_user(newcomer).get(url).status_code == 200
    # a plain member cannot take people off
    assert as_user(newcomer).post(url + f"anggota/{people.satgas_jateng.pk}/keluar/").status_code == 302
    assert sv_case.members.get(user=people.satgas_jateng).is_active


def test_home_panel_counts_only_own_cases(sv_case, people, as_user):
    assert "kasus" in as_user(people.satgas_jateng).get("/").content.decode().lower()
    assert "/kasus/" not in as_user(people.satgas_jatim).get("/").content.decode().split("<main")[1]
