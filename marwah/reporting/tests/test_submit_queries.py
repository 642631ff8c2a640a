"""How many SQL statements one anonymous report submission costs (issue 14: hot paths stay flat).

The submission goes through the real view and every middleware, with the cases app's receiver
(routing, case, members, counters, sealed keys, holders above the team, custodian share). The
count is exact: a statement added to this path fails the test (update the list and the count when
that is intended). The lookups remembered per process (`core.memo`: role holders, units, public
keys, rule overrides) are warm, as on a running server; the cold count is checked too.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_person
from marwah.accounts.models import Role
from marwah.audit.models import AuditEntry, ChainHead
from marwah.audit.services import CHAINS
from marwah.cases.models import Case
from marwah.reporting import vault
from marwah.reporting.models import CustodianShare, Report, ReportAccess
from marwah.reporting.tests.conftest import PASSWORD, report_data

# PostgreSQL, warm (11 statements; BEGIN and COMMIT not counted), for a first-time reporter. Rows
# every submission shares (the year's case number, the monitoring counters, the audit chain head)
# are locked until commit, so they come last (measured: submissions queued on the case-number row):
#  1. INSERT reporting_report                    (encrypted content and identity, sealed receipt key)
#  2. WITH INSERT reporting_matchtoken SELECT reporting_matchtoken   (repeat-perpetrator tokens, and
#                                                 an independent earlier report naming them?)
#  3. INSERT reporting_reportaccess              (team and holders above: one bulk insert)
#  4. INSERT reporting_custodianshare            (custodians who hold no report key: known from 3)
#  5. WITH UPDATE cases_casesequence, INSERT cases_case, INSERT cases_casemember
#                                                (the case with its number, the team and the leader)
#  6. INSERT cases_caseevent                     ("received")
#  7. WITH INSERT monitoring_casefact INSERT monitoring_casestat … ON CONFLICT DO UPDATE
#                                                (the case's fact, every ancestor and measure at once)
#  8. WITH RECURSIVE … audit_chainhead FOR UPDATE, INSERT audit_auditentry ×3, INSERT … ON CONFLICT
#     audit_chainhead                            (one audit append for the report, case, sealed keys)
#  9. INSERT django_tasks_database_dbtaskresult  (the team's notification, queued at commit)
# 10. SELECT django_session (key taken?)         (the session keeping the receipt shown once)
# 11. INSERT django_session
# SQLite: 2 is an INSERT then a SELECT, 5 is three statements (UPDATE … RETURNING of the counter,
# INSERT of the case, of its members), 7 is a locked SELECT of the fact, its INSERT and one UPDATE
# per ancestor and measure (3 units × 2 measures: 6 statements), and 8 is a SELECT of the chain
# head, an INSERT then an UPDATE of the head: 23.
WARM = {"postgresql": 11, "sqlite": 23}
# Cold (the first submission of a process) adds the remembered lookups: institutions, the office
# picked, units of the chain, role holders (Satgas, leaders, the Satgas above, custodians), rule
# overrides, the deadline policy, public keys (and here the first counter rows of the month).


@pytest.fixture
def team(tree, people):
    users = [people.satgas_jateng, people.leader_jateng,
             make_person(tree.jateng, username="kiki", role=Role.SATGAS_PKS),
             make_person(tree.ri, username="satgas_ri", role=Role.SATGAS_PKS),
             make_person(tree.ri, username="kustodian", role=Role.IDENTITY_CUSTODIAN)]
    for user in users:
        vault.unlock_user_key(user=user, password=PASSWORD)
    return users


def _submit(client: Client, tree, n: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("reporting:form", args=["sexual_violence"]),
                               report_data(tree, accused_text=f"Orang Nomor {'abcdefgh'[n]}"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("reporting:receipt")
    # SQLite shows its BEGIN and COMMIT; PostgreSQL's are implicit. Count the same work on both.
    return [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]


@pytest.mark.django_db(transaction=True)
def test_submission_statements(tree, team, settings):
    # As in production: the notification is queued (database queue), not sent inside the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for chain in range(CHAINS):  # a running system has every audit chain head already
        ChainHead.objects.get_or_create(chain=chain)
    cold = _submit(Client(), tree, 0)
    warm = _submit(Client(), tree, 1)
    listing = "\n".join(f"{i:2d}. {sql[:120]}" for i, sql in enumerate(warm, 1))
    assert len(warm) == WARM[connection.vendor], listing
    remembered = ("orgs_institution", "orgs_unit", "accounts_roleassignment", "rules_ruleoverride",
                  "cases_deadlinepolicy", "reporting_userkey")
    assert not [sql for sql in warm if any(f'FROM "{table}"' in sql for table in remembered)], listing
    assert all(any(f'FROM "{table}"' in sql for sql in cold) for table in remembered), "\n".join(cold)
    # Nothing was dropped to get there: the whole submission is stored.
    report = Report.objects.order_by("-pk").first()
    case = Case.objects.get(report=report)
    holders = set(ReportAccess.objects.filter(report=report).values_list("user__username", flat=True))
    assert holders == {"mey", "kiki", "leader_jateng", "satgas_ri"}
    assert set(CustodianShare.objects.filter(report=report).values_list("custodian__username", flat=True)) == {
        "kustodian"}
    entries = AuditEntry.objects.filter(target_type="reporting.report", target_id=str(report.pk)) | \
        AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk))
    assert {e.action for e in entries} == {
        "reporting.report_submitted", "case.opened", "reporting.access_sealed"}


@pytest.mark.django_db(transaction=True)
def test_nobody_gets_both_the_report_key_and_the_custodian_share(tree, team):
    """A custodian who is also on the team, or a holder above it, gets the report key and not the
    custodian share (two people, always), although the case and its keys are made last."""
    from marwah.accounts.models import RoleAssignment, User

    for username in ("kiki", "satgas_ri"):
        RoleAssignment.objects.create(user=User.objects.get(username=username), role=Role.IDENTITY_CUSTODIAN,
                                      unit=tree.ri)
    _submit(Client(), tree, 0)
    report = Report.objects.order_by("-pk").first()
    holders = set(ReportAccess.objects.filter(report=report).values_list("user__username", flat=True))
    assert holders == {"mey", "kiki", "leader_jateng", "satgas_ri"}
    assert set(CustodianShare.objects.filter(report=report).values_list("custodian__username", flat=True)) == {
        "kustodian"}
