"""Cases in the monitoring report (seed 004 point 6, enforcement), and the statistics columns the
monitoring app's counters are kept from. Figures come from `monitoring.casestats` counters; the
case table is read here only to (re)build them, never per page view, and never its `*_enc`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

# Strings live in the monitoring app's catalog (marwah/monitoring/texts.py), so the monitoring
# work does not rewrite this app's catalog.
from django.utils.translation import gettext as t_

from marwah.cases.models import Case, CaseEvent, Decision, Status
from marwah.core.figures import Figure, Period, Section, Table
from marwah.rules.sanctions import SANCTIONS
from marwah.rules.violations import CATEGORIES, SEXUAL_VIOLENCE

AGE_BUCKETS = [(0, 30), (31, 90), (91, 180), (181, 365), (366, None)]
LATE_BUCKETS = [(1, 7), (8, 30), (31, 90), (91, None)]


# --- Statistics columns, for monitoring.casestats --------------------------------------------------

def case_stats_row(case: Case) -> dict[str, Any] | None:
    from marwah.orgs.models import Unit

    unit_id = case.unit_id or case.handling_unit_id
    field = "unit" if case.unit_id else "handling_unit"
    # The case usually carries its unit already (open_case sets it): no query then.
    cached = case._state.fields_cache.get(field)
    unit = cached if cached is not None else Unit.objects.filter(pk=unit_id).only("path").first()
    if unit is None:
        return None
    created = timezone.localtime(case.created_at).date() if case.created_at else timezone.localdate()
    return {"unit_id": unit_id, "unit_path": unit.path, "category": case.category, "kind": case.kind,
            "reported_on": created}


def decision_codes(case: Case) -> tuple[str, tuple[str, ...]]:
    decision = Decision.objects.filter(case=case).values_list("outcome", "sanctions").first()
    return (decision[0], tuple(decision[1] or ())) if decision else ("", ())


def replay_rows(chunk: int = 5000) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Every case's statistics row and its steps, in case order (for a rebuild)."""
    from marwah.monitoring.casestats import Step
    from marwah.orgs.models import Unit

    paths = dict(Unit.objects.values_list("pk", "path"))
    last = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last).order_by("pk")
                     .values_list("pk", "unit_id", "handling_unit_id", "category", "kind", "created_at",
                                  "stage_due")[:chunk])
        if not cases:
            return
        ids = [c[0] for c in cases]
        events: dict[int, list[tuple[Any, str, str]]] = defaultdict(list)
        for case_id, at, kind, status in (CaseEvent.objects.filter(case_id__in=ids).order_by("at", "pk")
                                          .values_list("case_id", "at", "kind", "status")):
            events[case_id].append((at, kind, status))
        decisions = {cid: (o, tuple(s or ())) for cid, o, s in
                     Decision.objects.filter(case_id__in=ids).values_list("case_id", "outcome", "sanctions")}
        for pk, unit_id, handling_id, category, kind, created_at, stage_due in cases:
            uid = unit_id or handling_id
            row = {"case_id": pk, "unit_id": uid, "unit_path": paths[uid], "category": category, "kind": kind,
                   "reported_on": timezone.localtime(created_at).date()}
            steps = []
            for at, ev_kind, status in events[pk]:
                outcome, sanctions = decisions.get(pk, ("", ())) if ev_kind == "decision" else ("", ())
                steps.append(Step(kind=ev_kind, status=status, day=timezone.localtime(at).date(),
                                  outcome=outcome, sanctions=sanctions))
            if steps:
                steps[-1].stage_due = stage_due
            yield row, steps
        last = ids[-1]


# --- The section -----------------------------------------------------------------------------------

def _label(cat: str) -> str:
    return str(CATEGORIES[cat].label)


def _sv_rows(cats: list[str]) -> frozenset[int]:
    return frozenset({cats.index(SEXUAL_VIOLENCE)}) if SEXUAL_VIOLENCE in cats else frozenset()


def _grid(cats: list[str], columns: list[str], cell: Any, key: str, title: str, note: str = "") -> list[Table]:
    """Rows per category + a total row, columns + a total column. Sexual violence is its own
    one-row table with its own total, so no total mixing it with other categories is published."""
    out = []
    others = [c for c in cats if c != SEXUAL_VIOLENCE]
    if others:
        rows: list[list[Any]] = []
        for cat in others:
            values = [int(cell(cat, col) or 0) for col in range(len(columns))]
            rows.append([_label(cat), *values, sum(values)])
        totals = [sum(r[i] for r in rows) for i in range(1, len(columns) + 2)]
        rows.append([t_("Total"), *totals])
        out.append(Table(key=key, title=title, columns=[t_("Category"), *columns, t_("Total")], rows=rows,
                         has_total_row=True, has_total_column=True, note=note))
    if SEXUAL_VIOLENCE in cats:
        values = [int(cell(SEXUAL_VIOLENCE, col) or 0) for col in range(len(columns))]
        out.append(Table(key=f"{key}_sv", title=t_("%(title)s: sexual violence") % {"title": title},
                         columns=[t_("Category"), *columns, t_("Total")],
                         rows=[[_label(SEXUAL_VIOLENCE), *values, sum(values)]], sensitive_rows=frozenset({0}),
                         has_total_column=True, note=note))
    return out


def _sum(t: dict[tuple[str, str, str], int], measure: str, cat: str | None = None) -> int:
    return sum(v for (c, _k, m), v in t.items() if m == measure and (cat is None or c == cat))


def _hist(t: dict[tuple[str, str, str], int], prefix: str, cat: str | None = None) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for (c, _k, m), v in t.items():
        if m.startswith(prefix) and (cat is None or c == cat):
            out[int(m.split(":", 1)[1])] += v
    return out


def _in(days: int, lo: int, hi: int | None) -> bool:
    return days >= lo and (hi is None or days <= hi)


def _bucket_label(lo: int, hi: int | None) -> str:
    return f"{lo}–{hi}" if hi is not None else f"> {lo - 1}"


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    from marwah.monitoring import casestats
    from marwah.monitoring.access import visible_categories
    from marwah.monitoring.suppression import threshold

    cats = visible_categories(user, unit)
    if not cats:
        return None
    now = casestats.totals(unit.pk, period, cats)
    before = casestats.totals(unit.pk, period.previous(), cats)
    today = timezone.localdate()
    stock = casestats.open_by_month(unit.pk, cats)
    overdue = casestats.overdue_now(unit.path, cats, today)
    if not (now or before or stock):
        return None
    others = [c for c in cats if c != SEXUAL_VIOLENCE]
    statuses = [s for s in Status]
    tables = [
        *_grid(cats, [str(s.label) for s in statuses], lambda c, i: _sum(now, f"status:{statuses[i].value}", c),
              "cases.status", t_("Cases reported in the period, by category and current status")),
    ]
    ages = {(cat, i): 0 for cat in cats for i in range(len(AGE_BUCKETS))}
    for (month, cat), n in stock.items():
        age = (today - month).days
        for i, (lo, hi) in enumerate(AGE_BUCKETS):
            if _in(age, lo, hi):
                ages[(cat, i)] += n
    tables.extend(_grid(cats, [t_("%(range)s days") % {"range": _bucket_label(lo, hi)} for lo, hi in AGE_BUCKETS],
                        lambda c, i: ages[(c, i)], "cases.age", t_("Open cases by age (days since the report)"),
                        note=t_("Ages counted from the month the report arrived.")))
    late = {(cat, i): 0 for cat in cats for i in range(len(LATE_BUCKETS))}
    for (cat, due), n in overdue.items():
        for i, (lo, hi) in enumerate(LATE_BUCKETS):
            if _in((today - due).days, lo, hi):
                late[(cat, i)] += n
    tables.extend(_grid(cats, [t_("%(range)s days late") % {"range": _bucket_label(lo, hi)} for lo, hi in LATE_BUCKETS],
                        lambda c, i: late[(c, i)], "cases.overdue", t_("Open cases past their deadline, by days late")))
    limit = threshold()
    time_rows = []
    for cat in cats:
        tv, td = _hist(now, "tv:", cat), _hist(now, "td:", cat)
        nv, nd = sum(tv.values()), sum(td.values())
        hide_v = cat == SEXUAL_VIOLENCE and nv < limit
        hide_d = cat == SEXUAL_VIOLENCE and nd < limit
        time_rows.append([_label(cat), nv, None if hide_v else casestats.percentile(tv, 0.5),
                          None if hide_v else casestats.percentile(tv, 0.9), nd,
                          None if hide_d else casestats.percentile(td, 0.5),
                          None if hide_d else casestats.percentile(td, 0.9)])
    tables.append(Table(key="cases.time", title=t_("Days from report to verification and to decision"),
                        columns=[t_("Category"), t_("Verified"), t_("Median"), t_("90th percentile"), t_("Decided"),
                                 t_("Median"), t_("90th percentile")],
                        rows=time_rows, sensitive_rows=_sv_rows(cats), chart="none",
                        note=t_("Calendar days; a median of few cases of sexual violence is not shown.")))
    codes = sorted({m.split(":", 1)[1] for (_c, _k, m) in now if m.startswith("sanction:")})
    for group, title, key in ((others, t_("Sanctions decided in the period"), "cases.sanctions"),
                              ([SEXUAL_VIOLENCE] if SEXUAL_VIOLENCE in cats else [],
                               t_("Sanctions decided in the period: sexual violence"), "cases.sanctions_sv")):
        rows: list[list[Any]] = []
        for code in codes:
            values = [_sum(now, f"sanction:{code}", c) for c in group]
            sanction = SANCTIONS.get(code)
            if any(values):
                rows.append([str(sanction.label) if sanction else code, *values, sum(values)])
        if not rows:
            continue
        rows.append([t_("Total"), *[sum(r[i] for r in rows) for i in range(1, len(group) + 2)]])
        tables.append(Table(key=key, title=title, columns=[t_("Sanction"), *[_label(c) for c in group], t_("Total")],
                            rows=rows, sensitive_columns=frozenset(range(1, len(group) + 2))
                            if group == [SEXUAL_VIOLENCE] else frozenset(),
                            has_total_row=True, has_total_column=True))
    figures = []
    groups = [(others, "", "")] if others else []
    if SEXUAL_VIOLENCE in cats:
        groups.append(([SEXUAL_VIOLENCE], "_sv", t_(" (sexual violence)")))
    for group, suffix, tail in groups:
        sens = group == [SEXUAL_VIOLENCE]
        tail = tail if sens or SEXUAL_VIOLENCE not in cats else t_(" (other than sexual violence)")

        def total(t: dict[tuple[str, str, str], int], measure: str, group: list[str] = group) -> int:
            return sum(_sum(t, measure, c) for c in group)
        figures += [
            Figure(f"cases.open{suffix}", t_("Open cases now") + tail,
                   sum(v for (_m, c), v in stock.items() if c in group), sensitive=sens),
            Figure(f"cases.verified{suffix}", t_("Verified in the period") + tail, total(now, "verified"),
                   total(before, "verified"), sensitive=sens),
            Figure(f"cases.decided{suffix}", t_("Decided in the period") + tail, total(now, "decided"),
                   total(before, "decided"), sensitive=sens),
            Figure(f"cases.missed{suffix}", t_("Deadlines missed in the period") + tail, total(now, "missed"),
                   total(before, "missed"), sensitive=sens),
            Figure(f"cases.overdue{suffix}", t_("Open cases past their deadline") + tail,
                   sum(n for (c, _d), n in overdue.items() if c in group), sensitive=sens),
        ]
    if others:
        def hist(t: dict[tuple[str, str, str], int], prefix: str) -> dict[int, int]:
            out: dict[int, int] = defaultdict(int)
            for c in others:
                for b, n in _hist(t, prefix, c).items():
                    out[b] += n
            return out
        figures += [
            Figure("cases.verify_median", t_("Median days to verification"), casestats.percentile(hist(now, "tv:"), 0.5),
                   casestats.percentile(hist(before, "tv:"), 0.5), kind="days"),
            Figure("cases.decide_median", t_("Median days to decision"), casestats.percentile(hist(now, "td:"), 0.5),
                   casestats.percentile(hist(before, "td:"), 0.5), kind="days"),
            Figure("cases.decide_p90", t_("90th percentile days to decision"),
                   casestats.percentile(hist(now, "td:"), 0.9), casestats.percentile(hist(before, "td:"), 0.9),
                   kind="days"),
        ]
    return Section(key="cases", title=t_("Enforcement: cases handled"), strategy_point=6, figures=figures,
                   tables=tables, order=20)
