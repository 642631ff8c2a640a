"""Reports received, in the monitoring report (seed 004 point 5, supervision): per unit and
category (the drill-down), per form of violation, per month. Read from monitoring's counters
(kept when a report becomes a case), never from the report table, never from its ciphertext."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

# Strings live in the monitoring app's catalog (marwah/monitoring/texts.py), so the monitoring
# work does not rewrite this app's catalog.
from django.utils.translation import gettext as t_

from marwah.core.figures import Figure, Period, Section, Table
from marwah.rules.violations import CATEGORIES, KINDS, SEXUAL_VIOLENCE


def _label(cat: str) -> str:
    return str(CATEGORIES[cat].label)


def _kind_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found else kind


def _reported(t: dict[tuple[str, str, str], int], cat: str | None = None, kind: str | None = None) -> int:
    return sum(v for (c, k, m), v in t.items() if m == "reported" and (cat is None or c == cat)
               and (kind is None or k == kind))


def _by_unit(unit: Any, period: Period, cats: list[str], now: dict[tuple[str, str, str], int]) -> list[Table]:
    """The drill-down: reports per child unit and category. Sexual violence is a table of its own
    with its own total, so no published total mixes it with other categories."""
    from marwah.monitoring import casestats
    from marwah.monitoring.periods import query_for
    from marwah.orgs.models import Unit

    children = casestats.child_totals(unit.pk, period, cats, "reported")
    units = list(Unit.objects.filter(pk__in=list(children)).order_by("code", "name")) if children else []
    base = reverse("monitoring:dashboard")
    labels = [child.name for child in units]
    links: list[str | None] = [f"{base}?unit={child.pk}&{query_for(period)}" for child in units]
    per_unit = [children[child.pk] for child in units]
    own = {c: _reported(now, c) - sum(p.get(c, 0) for p in per_unit) for c in cats}
    if any(own.values()):
        labels.append(t_("%(unit)s itself") % {"unit": unit.name})
        links.append(None)
        per_unit.append(own)
    tables = []
    others = [c for c in cats if c != SEXUAL_VIOLENCE]
    if others:
        rows: list[list[Any]] = []
        for label, values in zip(labels, per_unit, strict=True):
            v = [values.get(c, 0) for c in others]
            rows.append([label, *v, sum(v)])
        totals = [_reported(now, c) for c in others]
        rows.append([t_("Total"), *totals, sum(totals)])
        tables.append(Table(key="reports.units", title=t_("Reports by unit and category"),
                            columns=[t_("Unit"), *[_label(c) for c in others], t_("Total")], rows=rows,
                            has_total_row=True, has_total_column=True, row_links=[*links, None]))
    if SEXUAL_VIOLENCE in cats:
        rows = [[label, values.get(SEXUAL_VIOLENCE, 0)] for label, values in zip(labels, per_unit, strict=True)]
        rows.append([t_("Total"), _reported(now, SEXUAL_VIOLENCE)])
        tables.append(Table(key="reports.units_sv", title=t_("Sexual-violence reports by unit"),
                            columns=[t_("Unit"), t_("Reports")], rows=rows, sensitive_columns=frozenset({1}),
                            has_total_row=True, row_links=[*links, None]))
    return tables


def _by_kind(now: dict[tuple[str, str, str], int], cats: list[str], sv: bool) -> Table | None:
    kinds = sorted({k for (c, k, m) in now if m == "reported" and c in cats and (c == SEXUAL_VIOLENCE) == sv})
    if not kinds:
        return None
    rows: list[list[Any]] = [[_kind_label(k), _reported(now, kind=k)] for k in kinds]
    rows.append([t_("Total"), sum(r[1] for r in rows)])
    if sv:
        return Table(key="reports.sv_kinds", title=t_("Sexual-violence reports by form"),
                     columns=[t_("Form"), t_("Reports")], rows=rows, sensitive_columns=frozenset({1}),
                     has_total_row=True)
    return Table(key="reports.kinds", title=t_("Reports by form of violation (other than sexual violence)"),
                 columns=[t_("Form"), t_("Reports")], rows=rows, has_total_row=True)


def _months(period: Period) -> list[date]:
    out, y, m = [], period.start.year, period.start.month
    while date(y, m, 1) <= period.end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    from marwah.monitoring import casestats
    from marwah.monitoring.access import visible_categories

    cats = visible_categories(user, unit)
    if not cats:
        return None
    now = casestats.totals(unit.pk, period, cats)
    before = casestats.totals(unit.pk, period.previous(), cats)
    if not (_reported(now) or _reported(before)):
        return None
    tables = _by_unit(unit, period, cats, now)
    for sv in (False, True):
        table = _by_kind(now, cats, sv)
        if table is not None:
            tables.append(table)
    months = _months(period)
    others = [c for c in cats if c != SEXUAL_VIOLENCE]
    if len(months) > 1:
        per_month = [casestats.totals(unit.pk, Period(m, m), cats) for m in months]
        if others:
            rows: list[list[Any]] = []
            for month, t in zip(months, per_month, strict=True):
                values = [_reported(t, c) for c in others]
                rows.append([month.strftime("%Y-%m"), *values, sum(values)])
            rows.append([t_("Total"), *[sum(r[i] for r in rows) for i in range(1, len(others) + 2)]])
            tables.append(Table(key="reports.months", title=t_("Reports per month"),
                                columns=[t_("Month"), *[_label(c) for c in others], t_("Total")], rows=rows,
                                has_total_row=True, has_total_column=True, chart="line"))
        if SEXUAL_VIOLENCE in cats:
            rows = [[m.strftime("%Y-%m"), _reported(t, SEXUAL_VIOLENCE)] for m, t in zip(months, per_month, strict=True)]
            rows.append([t_("Total"), sum(r[1] for r in rows)])
            tables.append(Table(key="reports.months_sv", title=t_("Sexual-violence reports per month"),
                                columns=[t_("Month"), t_("Reports")], rows=rows, sensitive_columns=frozenset({1}),
                                has_total_row=True))
    figures = []
    if others:
        label = t_("Reports received") if SEXUAL_VIOLENCE not in cats else \
            t_("Reports received (other than sexual violence)")
        figures.append(Figure("reports.received", label, sum(_reported(now, c) for c in others),
                              sum(_reported(before, c) for c in others)))
    figures += [Figure(f"reports.{c}", _label(c), _reported(now, c), _reported(before, c),
                       sensitive=c == SEXUAL_VIOLENCE) for c in cats if len(cats) > 1 or c == SEXUAL_VIOLENCE]
    return Section(key="reporting", title=t_("Supervision: reports received"), strategy_point=5, figures=figures,
                   tables=tables, order=10)
