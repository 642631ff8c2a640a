"""Monitoring through its HTTP views: counters, dashboard, suppression, periodic report (PDF text
and XLSX cells against the database), sending up, refusals, CSV."""

from __future__ import annotations

import io
import itertools
import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import without_tokens
from marwah.accounts.models import Role
from marwah.cases.models import Case, CaseEvent, Decision
from marwah.cases.tests.factories import submit
from marwah.core.figures import Period, Table
from marwah.monitoring import casestats, periods
from marwah.monitoring.models import CaseStat, PeriodicReport
from marwah.monitoring.suppression import disclosed_cells, equations, publish_table, suppress

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
QUARTER = periods.current_quarter(TODAY)
Q = periods.query_for(QUARTER)


def step(case: Case, status: str, kind: str = "status") -> None:
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    CaseEvent.objects.create(case=case, kind=kind, status=status)


def decide(case: Case, sanctions: list[str]) -> None:
    Decision.objects.create(case=case, outcome="proven", sanctions=sanctions, letter_number="1")
    step(case, "decision", kind="decision")


@pytest.fixture
def data(tree, people):
    """Grobogan: 3 sexual-violence cases (below the threshold), 6 discipline, 2 ethics; Surabaya 1 discipline."""
    cases = [Case.objects.get(report=submit(kind=k, unit=tree.grobogan)) for k in
             ["sv_nonphysical"] * 2 + ["sv_physical"] + ["d_absence"] * 6 + ["e_gift"] * 2]
    Case.objects.get(report=submit(kind="d_absence", unit=tree.surabaya))
    for case in cases[3:7]:
        step(case, "verified")
    for case in cases[3:5]:
        step(case, "examination")
        decide(case, ["pp94_tukin_6"])
    step(cases[0], "verified")
    Case.objects.filter(pk=cases[8].pk).update(stage_due=TODAY - timedelta(days=10))
    cases[8].refresh_from_db()
    CaseEvent.objects.create(case=cases[8], kind="overdue", status=cases[8].status)
    return cases


def test_counters_on_write_equal_a_rebuild(data, tree):
    before = {(s.unit_id, s.month, s.category, s.kind, s.measure): s.value for s in CaseStat.objects.all() if s.value}
    assert before[(tree.jateng.pk, casestats.month_of(TODAY), "discipline", "d_absence", "reported")] == 6
    assert before[(tree.ri.pk, casestats.month_of(TODAY), "discipline", "d_absence", "reported")] == 7
    casestats.rebuild()
    after = {(s.unit_id, s.month, s.category, s.kind, s.measure): s.value for s in CaseStat.objects.all() if s.value}
    assert after == before


def _figure(response, key):
    for s in response.context["sections"]:
        for f in s.figures:
            if f.figure.key == key:
                return f.value
    raise AssertionError(key)


def _table(response, key):
    for s in response.context["sections"]:
        for pub, _svg in s.tables:
            if pub.key == key:
                return pub
    raise AssertionError(key)


def test_dashboard_for_a_leader_with_drill_down_and_suppression(data, tree, people, as_user):
    client = as_user(people.leader_jateng)
    response = client.get(reverse("monitoring:dashboard"), {"unit": tree.jateng.pk, "period": "quarter",
                                                            "value": periods.value_of(QUARTER)})
    assert response.status_code == 200
    assert _figure(response, "reports.received") == "8"  # other than sexual violence
    assert _figure(response, "reports.sexual_violence") == "< 5"
    assert _figure(response, "cases.decided") == "2"
    assert _figure(response, "cases.overdue") == "1"
    units = _table(response, "reports.units")
    assert units.rows[0][0].text == "KPU Kabupaten Grobogan"
    assert f"unit={tree.grobogan.pk}" in units.table.row_links[0]
    sv = _table(response, "reports.units_sv")
    assert all(c.text == "< 5" for row in sv.rows for c in row[1:])
    html = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<svg" in html and " style=" not in html and "<script" not in html
    assert ">3<" not in "".join(f">{c.text}<" for row in sv.rows for c in row[1:])
    # Drill down to the regency.
    response = client.get(reverse("monitoring:dashboard"), {"unit": tree.grobogan.pk, "period": "quarter"})
    assert response.status_code == 200 and _figure(response, "cases.missed") == "1"


def test_roles_see_their_categories_only(data, tree, people, as_user):
    response = as_user(people.neutrality).get(reverse("monitoring:dashboard"))
    assert response.status_code == 200 and response.context["unit"] == tree.hq
    response = as_user(people.satgas_jateng).get(reverse("monitoring:dashboard"))
    # Of reports and cases, a Satgas sees sexual violence only (other apps' sections, such as the
    # socialisation it organises, follow their own rules).
    keys = {pub.key for s in response.context["sections"] for pub, _ in s.tables
            if pub.key.split(".")[0] in ("reports", "cases")}
    assert keys and all(k.endswith("_sv") or k in ("reports.units_sv", "reports.sv_kinds", "cases.time") for k in keys)


@pytest.mark.parametrize("who", ["employee", "outsider"])
def test_outsiders_are_refused(data, tree, people, as_user, who):
    client = as_user(getattr(people, who))
    assert client.get(reverse("monitoring:dashboard"), {"unit": tree.jateng.pk}).status_code == 404
    assert client.get(reverse("monitoring:export_csv"), {"unit": tree.jateng.pk}).status_code == 404


# --- Suppression: an attacker derives nothing ----------------------------------------------------

def _brute_force(table: Table, hidden: set, primary: set, limit: int, cap: int = 40) -> dict:
    """Every integer completion of the hidden cells consistent with the published ones."""
    cells = sorted(hidden)
    seen: dict = {c: set() for c in cells}
    lines = equations(table)
    bound = min(cap, int(max(v for row in table.rows for v in row[1:])) + limit + 1)
    ranges = [range(limit) if c in primary else range(bound) for c in cells]
    size = 1
    for r in ranges:
        size *= len(r)
    if size > 20000:
        return {}
    for combo in itertools.product(*ranges):
        x = dict(zip(cells, combo, strict=True))
        if all(sum(coef * (x[c] if c in x else table.rows[c[0]][c[1]]) for c, coef in line) == 0 for line in lines):
            for c in cells:
                seen[c].add(x[c])
    return seen


def _random_table(rng: random.Random) -> Table:
    r, c = rng.randint(1, 4), rng.randint(1, 4)
    body = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 15]) for _ in range(c)] for _ in range(r)]
    rows = [[f"r{i}", *row, sum(row)] for i, row in enumerate(body)]
    rows.append(["total", *[sum(row[j] for row in body) for j in range(c)], sum(map(sum, body))])
    sens = rng.choice(["row", "col"])
    return Table(key="t", title="t", columns=["x", *[f"c{j}" for j in range(c)], "total"], rows=rows,
                 has_total_row=True, has_total_column=True,
                 sensitive_rows=frozenset({0}) if sens == "row" else frozenset(),
                 sensitive_columns=frozenset({1}) if sens == "col" else frozenset())


def test_no_suppressed_cell_can_be_derived_from_published_ones():
    rng = random.Random(13)
    for _ in range(150):
        table = _random_table(rng)
        primary, hidden = suppress(table, 5)
        assert primary <= hidden
        for line in equations(table):
            assert sum(c in hidden for c, _ in line) != 1
        assert not disclosed_cells(table, hidden, primary, 5)
        for cell, values in _brute_force(table, hidden, primary, 5).items():
            assert len(values) >= 2, (table.rows, cell, values)


def test_published_tables_of_the_dashboard_resist_the_attack(data, tree, people, as_user):
    response = as_user(people.hr).get(reverse("monitoring:dashboard"), {"unit": tree.ri.pk, "period": "quarter"})
    checked = 0
    for s in response.context["sections"]:
        for pub, _svg in s.tables:
            hidden = {(r, c) for r, row in enumerate(pub.rows) for c, cell in enumerate(row) if cell.suppressed}
            primary = {(r, c) for r, c in hidden if (r in pub.table.sensitive_rows or c in pub.table.sensitive_columns)}
            assert not disclosed_cells(pub.table, hidden, primary, 5)
            checked += bool(hidden)
    assert checked


# --- The periodic report --------------------------------------------------------------------------

def _make_report(client, unit, django_capture_on_commit_callbacks, consolidated=False) -> PeriodicReport:
    data = {"unit": unit.pk, "period": "quarter", "value": periods.value_of(QUARTER)}
    if consolidated:
        data["consolidated"] = "1"
    response = client.post(reverse("monitoring:report_start"), data)
    assert response.status_code == 302
    report = PeriodicReport.objects.filter(unit=unit).latest("pk")
    url = reverse("monitoring:report_detail", args=[report.pk])
    assert client.post(url, {"evaluation": "Sosialisasi berjalan baik.", "follow_up": "Apel pagi tiap Senin."}
                       ).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("monitoring:report_build", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.build == "ready", report.build
    return report


def test_report_pdf_and_xlsx_hold_the_database_figures(data, tree, people, as_user,
                                                       django_capture_on_commit_callbacks):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client = as_user(people.leader_jateng)
    report = _make_report(client, tree.jateng, django_capture_on_commit_callbacks)
    status = client.get(reverse("monitoring:report_status", args=[report.pk]))
    assert b"download.pdf" in status.content
    pdf = client.get(reverse("monitoring:report_download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    other = Case.objects.filter(unit__path__startswith=tree.jateng.path).exclude(category="sexual_violence").count()
    assert other == 8
    assert "KPU Provinsi Jawa Tengah" in flat and "Sosialisasi berjalan baik." in flat
    assert "8" in flat and "< 5" in flat
    for n in range(1, 9):
        assert f"{n}. " in flat
    decided = Decision.objects.filter(case__unit__path__startswith=tree.jateng.path).count()
    xlsx = client.get(reverse("monitoring:report_download", args=[report.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    figures = {row[1]: row[2] for row in wb["Ringkasan"].iter_rows(values_only=True) if len(row) > 2 and row[1]}
    assert figures["reports.received"] == other
    assert figures["cases.decided"] == decided
    assert figures["reports.sexual_violence"] == "< 5"
    units = list(wb["reports.units"].iter_rows(values_only=True))
    assert units[2][0] == "KPU Kabupaten Grobogan" and units[2][-1] == other
    sv = list(wb["reports.units_sv"].iter_rows(values_only=True))
    assert all(v == "< 5" for row in sv[2:] for v in row[1:])


def test_sending_up_acknowledging_returning_and_freezing(data, tree, people, as_user,
                                                         django_capture_on_commit_callbacks):
    from marwah.audit.models import AuditEntry

    kab = as_user(people.leader_grobogan)
    report = _make_report(kab, tree.grobogan, django_capture_on_commit_callbacks)
    # The province cannot answer before it is sent; the kabupaten cannot see the province's report.
    prov_report = _make_report(as_user(people.leader_jateng), tree.jateng, django_capture_on_commit_callbacks)
    assert kab.get(reverse("monitoring:report_detail", args=[prov_report.pk])).status_code == 404
    assert kab.get(reverse("monitoring:report_download", args=[prov_report.pk, "pdf"])).status_code == 404
    assert kab.post(reverse("monitoring:report_send", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == "sent"
    # Frozen: the text cannot change.
    kab.post(reverse("monitoring:report_detail", args=[report.pk]), {"evaluation": "x", "follow_up": "y"})
    report.refresh_from_db()
    assert report.evaluation == "Sosialisasi berjalan baik."
    # The kabupaten cannot acknowledge its own report; the province sees it sent and returns it.
    kab.post(reverse("monitoring:report_review", args=[report.pk]), {"decision": "acknowledge"})
    report.refresh_from_db()
    assert report.status == "sent"
    prov = as_user(people.leader_jateng)
    listing = prov.get(reverse("monitoring:reports"), {"unit": tree.jateng.pk, "period": "quarter",
                                                       "value": periods.value_of(QUARTER)})
    assert [c.report for c in listing.context["children"]] == [report]
    response = prov.post(reverse("monitoring:report_review", args=[report.pk]), {"decision": "return", "note": ""})
    assert response.status_code == 400
    prov.post(reverse("monitoring:report_review", args=[report.pk]), {"decision": "return", "note": "Lengkapi data."})
    report.refresh_from_db()
    assert report.status == "returned" and report.review_note == "Lengkapi data."
    response = kab.post(reverse("monitoring:report_new_version", args=[report.pk]))
    v2 = PeriodicReport.objects.get(unit=tree.grobogan, version=2)
    assert response.url == reverse("monitoring:report_detail", args=[v2.pk]) and v2.evaluation == report.evaluation
    actions = set(AuditEntry.objects.filter(action__startswith="monitoring.").values_list("action", flat=True))
    assert {"monitoring.report_sent", "monitoring.report_returned", "monitoring.report_built"} <= actions
    # A consolidated report lists the units below.
    consolidated = _make_report(prov, tree.jateng, django_capture_on_commit_callbacks, consolidated=True)
    assert consolidated.snapshot["children"][0]["unit"] == "KPU Kabupaten Grobogan"


def test_ministry_hr_sees_its_ministry_only(tree, people, as_user):
    from conftest import make_person

    biro = make_person(tree.hq, username="biro", role=Role.HR)
    client = as_user(biro)
    assert client.get(reverse("monitoring:dashboard")).context["unit"] == tree.hq
    assert client.get(reverse("monitoring:dashboard"), {"unit": tree.ri.pk}).status_code == 404
    assert client.get(reverse("monitoring:reports"), {"unit": tree.jateng.pk}).status_code == 404


def test_csv_export_gives_cases_but_only_suppressed_counts_of_sexual_violence(data, tree, people, as_user):
    response = as_user(people.leader_jateng).get(reverse("monitoring:export_csv"), {"unit": tree.jateng.pk})
    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert sum(1 for line in lines if line.startswith("case,")) == 8
    sv = [line for line in lines if "sexual_violence" in line]
    assert sv and all(line.endswith("< 5") for line in sv)
    assert not any("sv_" in line for line in lines)


def test_period_picker():
    p, err = periods.parse({"period": "quarter", "value": "2026-Q3"}, date(2026, 12, 2))
    assert (p.start, p.end, err) == (date(2026, 7, 1), date(2026, 9, 30), "")
    assert p.previous() == Period(date(2026, 4, 1), date(2026, 6, 30), "quarter")
    p, _ = periods.parse({"period": "semester", "value": "2026-S1"}, date(2026, 12, 2))
    assert p.previous().start == date(2025, 7, 1)
    p, err = periods.parse({"period": "custom", "start": "2026-05", "end": "2026-02"}, date(2026, 12, 2))
    assert err and p == periods.current_quarter(date(2026, 12, 2))


def test_a_bad_period_keeps_the_page_and_says_why(data, tree, people, as_user):
    response = as_user(people.leader_jateng).get(reverse("monitoring:dashboard"), {"period": "month", "value": "2026-13"})
    assert response.status_code == 200
    assert any("period" in str(m).lower() or "periode" in str(m).lower() for m in response.context["messages"])


def test_percentile_from_buckets():
    assert casestats.percentile({1: 5, 3: 4, 10: 1}, 0.5) == 1
    assert casestats.percentile({1: 5, 3: 4, 10: 1}, 0.9) == 3
    assert casestats.percentile({}, 0.5) is None


def test_publish_table_marks_small_sensitive_cells():
    table = Table(key="t", title="t", columns=["u", "n"], rows=[["a", 3], ["b", 7], ["c", 9], ["total", 19]],
                  sensitive_columns=frozenset({1}), has_total_row=True)
    pub = publish_table(table, 5)
    texts = [r[1].text for r in pub.rows]
    assert texts[0] == "< 5" and texts.count("< 5") == 2 and texts[-1] == "19"


def test_reminders_before_the_deadline_once_per_unit(tree, people, mailoutbox, settings,
                                                     django_capture_on_commit_callbacks):
    from marwah.monitoring.services import due_date, remind_due

    period = periods.last_quarter(TODAY)
    due = due_date(period)
    assert remind_due(today=due - timedelta(days=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        count = remind_due(today=due - timedelta(days=2))
    assert count >= 2  # leaders of Jawa Tengah, Grobogan, Surabaya (not KPU RI: nobody above)
    assert any(m.to == [people.leader_grobogan.email] for m in mailoutbox)
    assert remind_due(today=due - timedelta(days=1)) == 0


def test_rendered_sections_are_cached_per_roles_and_period(data, tree, people, as_user, settings):
    settings.MARWAH_MONITORING_CACHE_SECONDS = 60
    client = as_user(people.leader_jateng)
    first = client.get(reverse("monitoring:dashboard"), {"unit": tree.jateng.pk})
    second = client.get(reverse("monitoring:dashboard"), {"unit": tree.jateng.pk})
    # The second view renders no template: its body is the kept one, in the page kept around it.
    assert first.context["sections"] is not None and second.context is None
    assert without_tokens(first) == without_tokens(second)
    # A Satgas member over the same unit has other roles, so another entry: no figure leaks across.
    satgas = as_user(people.satgas_jateng).get(reverse("monitoring:dashboard"), {"unit": tree.jateng.pk})
    assert satgas.context["sections"] is not None
    with translation.override("id"):  # the pages are in the default language
        discipline = translation.gettext("Civil servant discipline")
    assert discipline in first.content.decode() and discipline not in satgas.content.decode()



def test_internal_team_section_counts_role_holders(data, tree, people, as_user):
    response = as_user(people.hr).get(reverse("monitoring:dashboard"), {"unit": tree.ri.pk})
    assert _figure(response, "team.satgas") == "2"  # Satgas of Jawa Tengah and Jawa Timur
    response = as_user(people.satgas_jateng).get(reverse("monitoring:dashboard"))
    assert "team" not in {s.section.key for s in response.context["sections"]}


def test_anonymous_users_are_sent_to_log_in(tree, client):
    for name in ("monitoring:dashboard", "monitoring:reports", "monitoring:export_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/akun/masuk/" in response.url


def test_the_page_polls_while_the_report_is_being_made(data, tree, people, as_user):
    client = as_user(people.leader_grobogan)
    client.post(reverse("monitoring:report_start"), {"unit": tree.grobogan.pk, "period": "quarter"})
    report = PeriodicReport.objects.get(unit=tree.grobogan)
    client.post(reverse("monitoring:report_detail", args=[report.pk]), {"evaluation": "a", "follow_up": "b"})
    client.post(reverse("monitoring:report_build", args=[report.pk]))  # the task waits for the commit
    status = client.get(reverse("monitoring:report_status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in status and "<progress" in status
    # Sending before the files exist is refused with a message, nothing changes.
    client.post(reverse("monitoring:report_send", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "draft"



def test_dashboard_statement_count(data, tree, people, as_user, settings, django_assert_num_queries):
    """The dashboard's statements, computed and cached: a figure that grows an N+1 or a new query fails here."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # Redis in production
    settings.MARWAH_MONITORING_CACHE_SECONDS = 60
    client = as_user(people.hr)
    url = reverse("monitoring:dashboard")
    client.get(url, {"unit": tree.jateng.pk})  # the session's once-a-minute touch happens here, not below
    # Every request: the session, the unit (its first time in this process); the user's row, roles, OTP
    # device, root units and the trail's ancestors come from the per-process memo, read by the request above.
    # Computed (national, 30 more): pledges' campaigns (1); socialisation: sessions (4), topics, headcount of
    # the unit, outreach, headcounts of the children (4); elections: tags (2) and watch tasks (2);
    # cases: CaseStat sums (2 + 1 by child unit), the child units, CaseStat sums (5), by month, overdue
    # CaseFacts; leave: pending requests, unit months (2), absence counters, waiting requests (5);
    # the internal team's role holders (1).
    with django_assert_num_queries(32):
        response = client.get(url, {"unit": tree.ri.pk, "period": "quarter"})
    assert response.status_code == 200 and response.context["sections"] is not None
    with django_assert_num_queries(1):  # the session; the unit from the memo, the sections from the cache
        response = client.get(url, {"unit": tree.ri.pk, "period": "quarter"})
    assert response.status_code == 200 and response.context is None  # no template rendered


def test_units_from_the_memo_follow_writes(tree, people, as_user):
    """The dashboard's units come from the per-process memo: a unit asked for before it existed opens
    once it is made (bulk creation sends no signal), and a revoked role closes the page at once."""
    from marwah.accounts.models import RoleAssignment
    from marwah.orgs.models import Unit, UnitKind
    from marwah.orgs.services import create_unit

    client = as_user(people.hr)
    url = reverse("monitoring:dashboard")
    next_pk = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client.get(url, {"unit": next_pk}).status_code == 404  # the new unit's id on SQLite (max + 1)
    unit = create_unit(institution=tree.ri.institution, parent=tree.ri, kind=UnitKind.KPU_PROVINCE, code="99",
                       name="KPU Provinsi Baru")
    assert client.get(url, {"unit": unit.pk}).status_code == 200
    RoleAssignment.objects.filter(user=people.hr).delete()  # a queryset delete: one signal per row
    assert client.get(url, {"unit": unit.pk}).status_code == 404
