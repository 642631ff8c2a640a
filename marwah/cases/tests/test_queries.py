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
    # 1 session, 2 the memo's generation (a cache-table read here, Redis in production: the user's row,
    # OTP device and roles come from the per-process memo), 3 the inbox: the user's
    # memberships joined to their cases, handling unit, unit and assignee, with the block-token
    # anti-join, ordered by the membership's copy of the deadline (index case_member_inbox).
    with django_assert_num_queries(3):
        response = client.get("/kasus/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/kasus/') >= 3


def test_inbox_statement_count_does_not_grow_with_cases_or_teams(people, tree, kpu, as_user,
                                                                 django_assert_num_queries):
    submit(kind="sv_nonphysical", unit=tree.grobogan)
    client = as_user(people.satgas_jateng)
    client.get("/kasus/")
    with django_assert_num_queries(3):
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
        with django_assert_num_queries(3):
            assert client.get("/kasus/", {"status": status}).status_code == 200
    with django_assert_num_queries(3):
        response = client.get("/kasus/", {"status": "open", "overdue": "on", "q": "KS"})
    with django_assert_num_queries(3):
        response = client.get("/kasus/")
    assert len(response.content) > few
    assert ethics.public_id in response.content.decode()


def test_case_page_statement_count(people, tree, kpu, as_user, django_assert_num_queries):
    case = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    client = as_user(people.satgas_jateng)  # the chair: the full page, with the assignment form
    client.get(f"/kasus/{case.public_id}/")
    # 1 session, 2 the generation of core.memo (a cache read: Redis in production, the database cache
    # here), which holds the user's row, the OTP device, the user's roles, the case's units and the unit's
    # role holders; 3 the case with its report and decision, checked against membership and block tokens;
    # the audit row, chained: 4 one statement on PostgreSQL (record_read), three on SQLite (head,
    # insert, head update); 5 members; the assignment form's candidates: 6 block tokens (with none, no
    # conflict to look up); 7 protection measures, 8 timeline, 9 referrals (sexual-violence cases only).
    with django_assert_num_queries(9 if _pg() else 11):
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


def test_case_page_of_other_categories_skips_protection(people, tree, kpu, as_user, django_assert_num_queries):
    """Protection measures and referrals are read (and shown) for sexual-violence cases only."""
    from marwah.cases.tests.conftest import with_key  # noqa: F401  (fixtures module)

    case = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    Case.objects.filter(pk=case.pk).update(category="ethics")
    client = as_user(people.satgas_jateng)
    client.get(f"/kasus/{case.public_id}/")
    with django_assert_num_queries(7 if _pg() else 9):  # two fewer than the sexual-violence page
        response = client.get(f"/kasus/{case.public_id}/")
    assert response.status_code == 200
    assert 'id="protection"' not in response.content.decode()


def test_case_read_is_chained_in_the_audit_log(people, tree, kpu, as_user):
    from marwah.audit.models import AuditEntry
    from marwah.audit.services import verify_chains

    case = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    client = as_user(people.satgas_jateng)
    before = AuditEntry.objects.filter(action="case.read", target_id=str(case.pk)).count()
    for _ in range(3):
        assert client.get(f"/kasus/{case.public_id}/").status_code == 200
    reads = AuditEntry.objects.filter(action="case.read", target_id=str(case.pk), actor_id=people.satgas_jateng.pk)
    assert reads.count() == before + 3
    assert {r.unit_id for r in reads} == {case.handling_unit_id}
    checked, broken, why = verify_chains()
    assert broken is None and not why and checked >= 3


def test_plain_select_writes_the_html_of_djangos_select(people):
    from django import forms as django_forms

    from marwah.cases.forms import AssignForm, InboxFilterForm

    class U:
        def __init__(self, pk: int, name: str) -> None:
            self.pk, self.display_name = pk, name

    handlers = [U(1, 'Ana & "Budi" <x>'), U(2, "Citra")]
    for data in (None, {"assignee": "2"}, {"assignee": "9"}):
        ours, theirs = (AssignForm(data, handlers=handlers, initial={"assignee": 1}) for _ in range(2))
        ours.is_valid(), theirs.is_valid()
        theirs.fields["assignee"].widget.__class__ = django_forms.Select
        assert str(ours["assignee"]) == str(theirs["assignee"])
    for data in (None, {"status": "open", "category": "sexual_violence"}, {"status": "nope"}):
        ours, theirs = InboxFilterForm(data), InboxFilterForm(data)
        ours.is_valid(), theirs.is_valid()
        for name in ("status", "category"):
            theirs.fields[name].widget.__class__ = django_forms.Select
            assert str(ours[name]) == str(theirs[name])


def test_inbox_rows_write_dates_and_links_as_django_does(people, tree, kpu, as_user):
    from django.urls import reverse
    from django.utils import formats, timezone

    cases = [submit(kind="sv_nonphysical", unit=tree.grobogan).case for _ in range(2)]
    html = as_user(people.satgas_jateng).get("/kasus/").content.decode()
    for case in cases:
        assert f'href="{reverse("cases:detail", args=[case.public_id])}"' in html
        assert formats.date_format(timezone.localtime(case.created_at), "j M Y H:i") in html
        assert formats.date_format(case.stage_due, "j M Y") in html


def test_prepared_query_matches_the_queryset_and_refuses_lost_parameters(people, tree, kpu):
    from django.core.exceptions import ImproperlyConfigured

    from marwah.cases.models import CaseMember
    from marwah.core.prepared import Prepared

    case = submit(kind="sv_nonphysical", unit=tree.grobogan).case
    def build(case_id: int):  # type: ignore[no-untyped-def]
        return CaseMember.objects.filter(case_id=case_id).select_related("user", "case").order_by("id")

    got = Prepared(build, case_id=int).objects(case_id=case.pk)
    want = list(build(case.pk))
    assert [(m.pk, m.user.username, m.case.public_id, m.added_at) for m in got] == [
        (m.pk, m.user.username, m.case.public_id, m.added_at) for m in want]
    rows = Prepared(lambda case_id: CaseMember.objects.filter(case_id=case_id).order_by("id")
                    .values_list("user_id", "is_chair"), case_id=int).rows(case_id=case.pk)
    assert rows == list(build(case.pk).values_list("user_id", "is_chair"))
    with pytest.raises(ImproperlyConfigured):
        # The lookup rewrites the value ("KS%"): the marker never reaches the SQL as given.
        Prepared(lambda ref: Case.objects.filter(reference__istartswith=ref), ref=str).objects(ref="KS")
