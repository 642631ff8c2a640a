"""Monitoring reads: the unit a user may look at, the published (suppressed) sections, the
periodic reports and who has sent theirs. Outsiders get 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marwah.accounts.models import User
from marwah.accounts.selectors import has_role, role_paths
from marwah.core import figures, memo
from marwah.core.figures import Figure, Period, Section
from marwah.core.params import parse_id
from marwah.monitoring.access import DASHBOARD_ROLES, REPORT_READERS, REPORTERS
from marwah.monitoring.charts import bar_chart
from marwah.monitoring.models import PeriodicReport
from marwah.monitoring.suppression import PublishedTable, publish_figure, publish_table, threshold
from marwah.orgs.models import Unit
from marwah.orgs.selectors import unit_by_pk


def can_use_dashboard(user: User) -> bool:
    return has_role(user, DASHBOARD_ROLES)


def dashboard_unit(user: User, unit_id: Any = None, roles: tuple[str, ...] = DASHBOARD_ROLES) -> Unit:
    """The unit asked for if one of `roles` covers it (404 otherwise); by default the widest allowed."""
    if unit_id:
        number = parse_id(unit_id)
        unit = unit_by_pk(number) if number else None
        if unit is None or not has_role(user, roles, unit):
            raise Http404
        return unit
    units = _units_at(tuple(sorted(role_paths(user, roles))))
    if not units:
        raise Http404
    return units[0]


def root_units(user: User) -> list[Unit]:
    return list(_units_at(tuple(sorted(role_paths(user, DASHBOARD_ROLES)))))


# Every dashboard request names its roots; the memo forgets them on every server when a unit or a
# role is written. The instances are shared: read, never change.
def _units_at(paths: tuple[str, ...]) -> tuple[Unit, ...]:
    return memo.get("dashboard-units-at", paths, lambda: tuple(
        Unit.objects.select_related("institution", "parent").filter(path__in=paths).order_by("path")))


@dataclass(frozen=True)
class ShownFigure:
    figure: Figure
    value: str
    previous: str
    trend: str  # "up", "down", "same" or ""


@dataclass
class ShownSection:
    section: Section
    figures: list[ShownFigure] = field(default_factory=list)
    tables: list[tuple[PublishedTable, str]] = field(default_factory=list)


def _trend(f: Figure, limit: int) -> str:
    if not isinstance(f.value, int | float) or not isinstance(f.previous, int | float):
        return ""
    if f.sensitive and (f.value < limit or f.previous < limit):
        return ""
    return "up" if f.value > f.previous else "down" if f.value < f.previous else "same"


def publish(section: Section) -> ShownSection:
    limit = threshold()
    shown = ShownSection(section=section)
    for f in section.figures:
        value, previous = publish_figure(f, limit)
        shown.figures.append(ShownFigure(f, value, previous, _trend(f, limit)))
    for table in section.tables:
        pub = publish_table(table, limit)
        shown.tables.append((pub, str(bar_chart(pub))))
    return shown


def published_sections(user: User, unit: Unit, period: Period) -> list[ShownSection]:
    return [publish(s) for s in figures.sections(user=user, unit=unit, period=period)]


# --- Periodic reports --------------------------------------------------------------------------------

def can_report(user: User, unit: Unit) -> bool:
    return has_role(user, REPORTERS, unit)


def can_review(user: User, report: PeriodicReport) -> bool:
    """The level above: a reporter role covering the unit's parent (the Biro for a Kanwil)."""
    parent = report.unit.parent
    return parent is not None and has_role(user, REPORTERS, parent)


def get_report_for_user(user: User, pk: Any) -> PeriodicReport:
    number = parse_id(pk)
    report = (PeriodicReport.objects.select_related("unit", "unit__parent", "unit__institution", "created_by",
                                                    "sent_by", "reviewed_by")
              .defer("pdf", "xlsx").filter(pk=number).first() if number else None)
    if report is None or not has_role(user, REPORT_READERS, report.unit):
        raise Http404
    return report


def reports_for_unit(unit: Unit, period: Period) -> QuerySet[PeriodicReport]:
    return (PeriodicReport.objects.filter(unit=unit, period_start=period.start, period_end=period.end)
            .defer("pdf", "xlsx", "snapshot").order_by("-version"))


@dataclass(frozen=True)
class ChildStatus:
    unit: Unit
    report: PeriodicReport | None  # the latest version sent (or returned/acknowledged), if any


def submissions(unit: Unit, period: Period) -> list[ChildStatus]:
    """Each child unit and its latest sent version for the period (None: not sent yet)."""
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("code", "name"))
    latest: dict[int, PeriodicReport] = {}
    for report in (PeriodicReport.objects.filter(unit__parent=unit, period_start=period.start,
                                                 period_end=period.end)
                   .exclude(status=PeriodicReport.Status.DRAFT).defer("pdf", "xlsx", "snapshot")
                   .order_by("unit_id", "version")):
        latest[report.unit_id] = report
    return [ChildStatus(child, latest.get(child.pk)) for child in children]
