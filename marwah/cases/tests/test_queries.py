"""Statement counts of the two hot pages, the inbox and the case page (issue 14).

Exact numbers: a page that grows by one statement fails here and must say why. The inbox must cost
the same number of statements whatever the number of cases or teams, in the country or on the
handler's desk. Timings are measured in benchmarks/cases_bench.py, never here.
"""

from __future__ import annotations

import pytest
from django.db import connection

from marwah.audit.models import ChainHead
from marwah.audit.services import CHAINS
from marwah.cases.models import Case
from marwah.cases.tests.factories import submit


@pytest.fixture(autouse=True)
def _chain_heads(db):
    # The audit chain is picked at random per transaction; a missing head costs extra statements once.
    for chain in range(CHAINS):
        ChainHead.objects.get_or_create(chain=chain)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def test_inbox_statement_count(people, tree, kpu, as_user, django_assert_num_queries):
    for kind in ("sv_nonphysical", "sv_physical", "sv_electronic"):
        submit(kind=kind, unit=tree.grobogan)
    client = as_user(people.satgas_jateng)
    client.get("/kasus/")  # the session's once-a-minute touch happens here, not below
    # 1 session, 2 user, 3 the OTP device (2FA), 4 the user's roles (menu), 5 the inbox: the user's
    # memberships joined to their cases, handling unit, unit and assignee, with the block-token
    # anti-join, ordered by the membership's copy of the deadline (index case_member_inbox).
    with django_assert_num_queries(5):
        response = client.get("/kasus/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/kasus/') >= 3


def test_inbox_statement_count_does_not_grow_with_cases_or_teams(people, tree, kpu, as_user,
                                                                 django_assert_num_queries):
    submit(kind="sv_nonphysical", unit=tree.grobogan)
    client = as_user(people.satgas_jateng)
    client.get("/kasus/")
    with django_assert_num_queries(5):
        client.get("/kasus/")
    few = len(client.get("/kasus/").content)
    # Many more cases: on the handler's desk, in another province's team, and the handler on a
    # second team (an ethics case at KPU RI, a case with an assignee, an overdue one).
    for i in range(12):
        submit(kind=("sv_nonphysical", "sv_physical", "sv_electronic")[i % 3], unit=tree.grobogan)
        submit(kind="sv_physical", unit=tree.surabaya)
    ethics = submit(kind="e_gift", unit=tree.ri).case
    ethics.members.create(user=people.satgas_jateng, reason="added", case_due=ethics.stage_due,
                          case_created=ethics.created_at)
    Case.objects.filter(pk=Case.objects.filter(members__user=people.satgas_jateng).first().pk).update(
        assignee=kpu.satgas_ri)
    for status in ("open", "", "verified", "closed"):
        with django_assert_num_queries(5):
            assert client.get("/kasus/", {"status": status}).status_code == 200
    with django_assert_num_queries(5):
        response = client.get("/kasus/", {"status": "open", "overdue": "on", "q": "KS"})
    with django_assert_num_queries(5):
        response = client.get("/kasus/")
    assert len(response.content) > few
    assert ethics.public_id in response.content.decode()


def test_case_page_statement_count(people, tree, kpu, as_user, django_assert_num_queries):
    case = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    client = as_user(people.satgas_jateng)  # the chair: the full page, with the assignment form
    client.get(f"/kasus/{case.public_id}/")
    # 1 session, 2 user, 3 OTP device, 4 roles (menu); 5 the case with report, units, institution and
    # assignee, checked against membership and block tokens; 6-7 the audit row (chain head locked,
    # entry inserted, head moved: one statement on PostgreSQL, three on SQLite); 8 members;
    # the assignment form's candidates: 9 block tokens, 10 role holders at the handling unit,
    # 11 their employees, 12 their superiors (one query per level for all, here one level);
    # 13 protection measures, 14 timeline, 15 referrals.
    with django_assert_num_queries(14 if _pg() else 16):
        response = client.get(f"/kasus/{case.public_id}/")
    assert response.status_code == 200


def test_memberships_follow_the_case_so_the_inbox_order_and_filters_stay_true(people, tree, kpu, staff_request,
                                                                              as_user):
    """The inbox reads sort keys copied to CaseMember: every status or stage change must copy them."""
    from marwah.cases import services
    from marwah.cases.selectors import inbox
    from marwah.cases.tests.conftest import with_key

    with_key(people.satgas_jateng)
    cases = [submit(kind="sv_nonphysical", unit=tree.grobogan).case for _ in range(3)]

    def keys_match() -> None:
        for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
            for m in case.members.all():
                assert (m.case_open, m.case_due, m.case_created) == (case.is_open, case.stage_due, case.created_at)

    keys_match()
    mey = people.satgas_jateng
    services.change_status(case=cases[0], actor=mey, to="verified")
    services.change_status(case=cases[1], actor=mey, to="rejected", reason="Di luar kewenangan.",
                           request=staff_request(mey))
    keys_match()
    services.assign(case=cases[2], actor=mey, assignee=kpu.kiki)
    keys_match()
    open_rows = inbox(mey, status="open")
    assert [r.case.pk for r in open_rows] == [c.pk for c in sorted(
        (Case.objects.get(pk=c.pk) for c in cases if c.pk != cases[1].pk),
        key=lambda c: (c.stage_due, -c.created_at.timestamp()))]
    assert [r.case.pk for r in inbox(mey, status="rejected")] == [cases[1].pk]
    assert cases[1].pk not in [r.case.pk for r in open_rows]
