"""Statements per request on the pledge hot paths: these tests fail when the number grows."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_person, without_tokens
from marwah.audit.models import AuditEntry
from marwah.audit.services import verify_chains
from marwah.people.models import Employee
from marwah.pledges import services
from marwah.pledges.models import Signature


def _code_client(campaign, employee) -> Client:
    """A browser that opened its pledge with a one-time code, as a KPPS officer without an account does."""
    issued = services.issue_codes(campaign=campaign, unit=employee.unit, actor=None)
    code = next(i.code for i in issued if i.employee.pk == employee.pk)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("pledges:code"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("pledges:code"), {"code": code, "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and client.session.get("pledges_employee_id") == employee.pk
    return client


CACHE_SESSIONS = {"SESSION_ENGINE": "django.contrib.sessions.backends.cache",
                  "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}


# Statements of one signing POST by a one-time-code session (the KPPS officer's path):
#   [db sessions only] SELECT django_session (the session row)
#   SELECT pledges_signature JOIN people_employee JOIN orgs_unit (the signer's own row: scope check)
#   WITH s AS (UPDATE pledges_signature ...), t AS (INSERT INTO pledges_tally ... ON CONFLICT ...),
#        audit_* AS (... audit_chainhead FOR UPDATE ... INSERT INTO audit_auditentry ...) SELECT ...
#        (signature, tallies and audit entry: one statement, services._sign_statement)
#   [db sessions older than a minute] SAVEPOINT / UPDATE django_session / RELEASE (the idle window)
# With sessions in Redis (production) the session costs no SQL statement at any age.
# SQLite (the demo) writes the same rows in one transaction of 7 statements instead of the one WITH:
#   SAVEPOINT, UPDATE pledges_signature, INSERT INTO pledges_tally, SELECT audit_chainhead,
#   INSERT INTO audit_auditentry, UPDATE audit_chainhead, RELEASE SAVEPOINT
@pytest.mark.parametrize("store", ["cache", "db"])
@pytest.mark.parametrize("aged", [False, True], ids=["fresh-session", "session-older-than-a-minute"])
def test_signing_post_statements(tree, people, pact, launch, aged, store, monkeypatch, settings):
    if store == "cache":
        for name, value in CACHE_SESSIONS.items():
            setattr(settings, name, value)
    officer = make_person(tree.grobogan, username="kpps1", name="Petugas KPPS")
    Employee.objects.filter(user=officer).update(user=None, email="")
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    employee = Employee.objects.get(name="Petugas KPPS")
    signature = Signature.objects.get(campaign=campaign, employee=employee)
    client = _code_client(campaign, employee)
    client.get(reverse("pledges:sign", args=[signature.pk]))  # the page before: warms the campaign cache
    if aged:
        monkeypatch.setattr(time, "time", lambda real=time.time: real() + 120)
    token = client.cookies["csrftoken"].value
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("pledges:sign", args=[signature.pk]),
                               {"agree": "on", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    signing = 1 if connection.vendor == "postgresql" else 7
    expected = 1 + signing + {"cache": 0, "db": 4 if aged else 1}[store]
    assert len(ctx.captured_queries) == expected, [q["sql"][:80] for q in ctx.captured_queries]
    signature.refresh_from_db()
    assert signature.status == Signature.Status.SIGNED and signature.verify_code in response.content.decode()
    assert verify_chains()[1:] == (None, "")
    entry = AuditEntry.objects.get(action="pledge.signed", target_id=str(signature.pk))
    assert entry.detail == {"campaign": campaign.pk, "method": "code", "late": False}


def _coverage_reader(tree, people, pact, launch, as_user, settings) -> tuple[Client, str]:  # type: ignore[no-untyped-def]
    """The Jawa Tengah leader on a national campaign's coverage page, one signature in; cache sessions."""
    for name, value in CACHE_SESSIONS.items():
        setattr(settings, name, value)
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    services.sign(signature=Signature.objects.get(campaign=campaign, employee__user=people.employee), method="password")
    return as_user(people.leader_jateng), reverse("pledges:campaign", args=[campaign.pk])


# Statements of the coverage page (a province leader, sessions in the cache as in production); the user,
# the second factor's device, the leader's grants (scope), the children's names and the breadcrumb's
# ancestors come from the per-process memo (core.memo: its generation is a cache read, Redis here):
#   SELECT pledges_campaign JOIN unit, version, institution, document (campaign in scope)
#   SELECT orgs_unit (the widest unit the leader may see)
#   SELECT SUM(...) FROM pledges_tally (the unit's totals)
#   SELECT ... SUM(...) FROM pledges_tally GROUP BY unit_id (each child's totals)
#   SELECT pledges_ceremony (ceremonies held in the subtree)
# None of them reads signatures: the cost does not grow with the number of people.
def test_coverage_page_statements(tree, people, pact, launch, as_user, settings):
    client, url = _coverage_reader(tree, people, pact, launch, as_user, settings)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    # The session and the figures' reads; the campaign row comes from the per-process memo.
    assert len(ctx.captured_queries) == 4, [q["sql"][:80] for q in ctx.captured_queries]
    assert not any("pledges_signature" in q["sql"] or "pledges_campaign" in q["sql"] for q in ctx.captured_queries)


def test_the_coverage_page_statements_are_prepared_on_postgresql(tree, people, pact, launch, as_user, settings):
    """core.prepared runs its fixed texts through core.pg.hot_cursor: the campaign and tally reads of
    the coverage page are planned once per connection, and the page shows the same figures."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from marwah.core import memo

    client, url = _coverage_reader(tree, people, pact, launch, as_user, settings)
    pages = []
    for _ in range(3):
        memo.clear()  # the campaign row is remembered per process: read it each time here
        pages.append(client.get(url))
    assert all(page.status_code == 200 for page in pages)
    assert pages[0].context["counts"] == pages[2].context["counts"] and pages[2].context["counts"].signed == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE generic_plans + custom_plans >= 2")
        texts = [row[0] for row in cursor.fetchall()]
    assert any("FROM \"pledges_campaign\"" in text for text in texts), texts
    assert sum("FROM \"pledges_tally\"" in text for text in texts) == 2, texts
    settings.MARWAH_PREPARE_HOT = False  # behind PgBouncer: Django's own cursor, the same page
    assert client.get(url).context["counts"] == pages[0].context["counts"]


def _national_campaign(tree, people, pact, launch, settings, *, keep_seconds=None):  # type: ignore[no-untyped-def]
    """A campaign over the whole tree and its coverage page's URL, with sessions in the cache and, when
    given, the coverage page's content kept `keep_seconds`."""
    for name, value in CACHE_SESSIONS.items():
        setattr(settings, name, value)
    if keep_seconds is not None:
        settings.MARWAH_COVERAGE_CACHE_SECONDS = keep_seconds
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    return campaign, reverse("pledges:campaign", args=[campaign.pk])


def test_coverage_figures_are_kept_a_few_seconds_per_unit_and_language(tree, people, pact, launch, as_user, settings):
    """The figures and tables are the same for every reader of a unit: kept MARWAH_COVERAGE_CACHE_SECONDS,
    per campaign, unit and language; the reader's own parts (scope, crumbs, manage buttons) stay live."""
    campaign, url = _national_campaign(tree, people, pact, launch, settings, keep_seconds=5)
    leader = as_user(people.leader_jateng)
    first = leader.get(url)
    with CaptureQueriesContext(connection) as ctx:
        second = leader.get(url)
    assert second.status_code == 200 and second.context is None  # the kept content, in the kept page
    assert without_tokens(first) == without_tokens(second)
    assert not any("pledges_tally" in q["sql"] or "pledges_ceremony" in q["sql"] for q in ctx.captured_queries)
    # Another unit, another entry: a regency's page never shows the province's figures.
    regency = leader.get(url, {"unit": tree.grobogan.pk})
    assert regency.context["counts"].in_scope < first.context["counts"].in_scope
    # A signing shows once the entry has aged out (or at once with the cache off).
    services.sign(signature=Signature.objects.filter(campaign=campaign, status="pending",
                                                     unit_path__startswith=tree.jateng.path).first(), method="code")
    assert without_tokens(leader.get(url)) == without_tokens(first)  # still the kept figures
    settings.MARWAH_COVERAGE_CACHE_SECONDS = 0
    assert leader.get(url).context["counts"].signed == first.context["counts"].signed + 1
    # Outside the leader's scope: still 404, whatever is kept.
    assert as_user(people.leader_grobogan).get(url, {"unit": tree.jateng.pk}).status_code == 404


def test_the_kept_campaign_page_carries_each_readers_token_and_rights(tree, people, pact, launch, as_user,
                                                                      settings):
    """The content is kept for readers who see the same thing; each page's forms carry that reader's own
    CSRF token (a post with it is accepted), a reader who may not manage gets no manage buttons, and a
    change to the campaign shows at once."""
    campaign, url = _national_campaign(tree, people, pact, launch, settings, keep_seconds=60)
    admin = as_user(people.admin)
    admin.get(url)  # renders and keeps the content
    page = admin.get(url)
    assert page.context is None
    html = page.content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html))
    assert len(tokens) == 1 and "\u2063" not in html  # one token, every marker filled in
    close = reverse("pledges:campaign_close", args=[campaign.pk])
    admin_csrf = Client(enforce_csrf_checks=True)
    admin_csrf.cookies = admin.cookies
    assert admin_csrf.post(close, {"csrfmiddlewaretoken": tokens.pop()}).status_code == 302  # the token works
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    closed = admin.get(url).content.decode()
    assert close not in closed  # the closed campaign shows at once, not the kept active page
    reader = as_user(people.hr).get(url)  # a reader at the same unit who may not manage
    assert reader.status_code == 200 and reverse("pledges:campaign_remind", args=[campaign.pk]) not in \
        reader.content.decode()


def test_coverage_rows_are_the_html_format_html_wrote(settings) -> None:
    """The coverage table's rows are written with f-strings and html.escape for speed: the same HTML as
    the format_html version they replaced, names escaped, numbers grouped in the reader's language."""
    from django.utils import translation
    from django.utils.html import format_html, format_html_join
    from django.utils.translation import gettext as _

    from marwah.core.templatetags.numbers import thousands
    from marwah.orgs.models import Unit
    from marwah.pledges.selectors import ChildRow, Counts
    from marwah.pledges.views import _coverage_rows

    def before(unit, own, children):  # type: ignore[no-untyped-def]
        labels = (_("In scope"), _("Signed"), _("Late"), _("Not signed"), "%")

        def cells(c):  # type: ignore[no-untyped-def]
            values = (thousands(c.in_scope), thousands(c.signed), thousands(c.late), thousands(c.pending), c.percent)
            return format_html_join("", '<td class="num" data-label="{}">{}</td>', zip(labels, values, strict=True))

        rows = [format_html('<tr><td>{} <span class="small muted">({})</span></td>{}</tr>', unit.name,
                            _("this unit itself"), cells(own))] if own.in_scope else []
        rows += [format_html('<tr><td><a href="?unit={}">{}</a></td>{}</tr>', r.unit.pk, r.unit.name, cells(r.counts))
                 for r in children]
        return "\n".join(rows)

    unit = Unit(pk=1, name='KPU "Pusat" <RI> & Co\'s')
    children = [ChildRow(Unit(pk=10 + i, name=name), Counts(*counts)) for i, (name, counts) in enumerate([
        ("Aceh", (1234567, 1000, 12)), ("<script>alert(1)</script>", (0, 0, 0)), ("Papua Barat Daya", (999, 998, 1))])]
    for own in (Counts(12000, 5000, 3), Counts(0, 0, 0)):
        for language in ("id", "en"):
            with translation.override(language):
                assert str(_coverage_rows(unit, own, children)) == before(unit, own, children)
    with translation.override("id"):
        html = str(_coverage_rows(unit, Counts(12000, 5000, 3), children))
    assert "1.234.567" in html and "&lt;script&gt;" in html and "<script>" not in html


def test_the_signing_statement_is_prepared_on_postgresql(tree, people, pact, launch, settings):
    """core.pg.hot_cursor: from its second run the signing statement runs as a prepared statement on this
    connection (no planning per signing); every signing still lands, tallied and audited."""
    from django.db.models import Sum

    from marwah.core.pg import prepares
    from marwah.pledges.models import Tally

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    campaign = launch(actor=people.admin, unit=tree.ri, version=pact.versions.first())
    pending = list(Signature.objects.filter(campaign=campaign, status="pending")[:7])
    assert len(pending) == 7
    statements: list[str] = []

    def seen(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):  # Django's wrappers still see every statement
        for signature in pending:
            assert services.sign(signature=signature, method="password", actor=None)
    assert sum("UPDATE pledges_signature" in sql for sql in statements) == 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(generic_plans + custom_plans) FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", ["WITH s AS (UPDATE pledges_signature%"])
        prepared, runs = cursor.fetchone()
    assert 1 <= prepared <= 2 and runs >= 5  # (a text has one entry per set of parameter types)
    root = Tally.objects.filter(campaign=campaign, unit=tree.ri).aggregate(s=Sum("signed"))["s"]
    assert root == 7 and verify_chains()[1:] == (None, "")
    settings.MARWAH_PREPARE_HOT = False  # the switch PGBOUNCER=1 turns off: Django's own cursor again
    assert not prepares()


def test_the_campaign_row_is_remembered_and_every_write_to_it_is_seen_at_once(tree, people, pact, launch, as_user,
                                                                              settings):
    """The coverage page's campaign comes from the per-process memo (no statement for it on a second view);
    closing, reminding and syncing bump the memo, so the next view reads the row again."""
    from marwah.pledges.models import Campaign

    campaign, url = _national_campaign(tree, people, pact, launch, settings)
    admin = as_user(people.admin)
    admin.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert admin.get(url).status_code == 200
    assert not any("pledges_campaign" in q["sql"] for q in ctx.captured_queries)
    services.remind_pending(campaign=Campaign.objects.get(pk=campaign.pk), actor=people.admin)
    with CaptureQueriesContext(connection) as ctx:
        admin.get(url)
    assert any("pledges_campaign" in q["sql"] for q in ctx.captured_queries)  # read again after the write
    services.close_campaign(campaign=Campaign.objects.get(pk=campaign.pk), actor=people.admin)
    page = admin.get(url).content.decode()
    assert reverse("pledges:campaign_close", args=[campaign.pk]) not in page  # closed, at once
    # An id that does not exist is a 404 and is not remembered.
    assert admin.get(reverse("pledges:campaign", args=[campaign.pk + 999])).status_code == 404
    from marwah.core import memo

    assert ("pledges.campaign", campaign.pk + 999) not in memo._state.data
