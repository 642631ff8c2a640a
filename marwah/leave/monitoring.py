"""Leave figures for the monitoring report (marwah.core.figures contract).

Strategy point 5 (supervision): requests waiting, days without attendance per unit, people at
a discipline threshold. Read from UnitMonth and AbsenceCounter (kept on write) and from the
open requests, which the (status, unit_path) index keeps small to count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marwah.accounts.selectors import has_role
from marwah.core.figures import Figure, Period, Section, Table
from marwah.leave.models import WAITING, AbsenceCounter, Request, UnitMonth
from marwah.leave.selectors import SUPERVISORS, WAITING_TOO_LONG_DAYS
from marwah.orgs.models import Unit


def _months(period: Period) -> tuple[date, date]:
    return period.start.replace(day=1), period.end


def _absence(unit: Unit, period: Period) -> tuple[int, int]:
    first, last = _months(period)
    totals = UnitMonth.objects.filter(unit_path__startswith=unit.path, month__gte=first, month__lte=last).aggregate(
        n=Sum("person_days"), a=Sum("absent_days"))
    return int(totals["n"] or 0), int(totals["a"] or 0)


def _rate(n: int, a: int) -> float | None:
    return round(100 * a / n, 1) if n else None


def section(*, user: Any, unit: Unit, period: Period) -> Section | None:
    if not has_role(user, SUPERVISORS, unit):
        return None
    waiting = Request.objects.filter(status__in=WAITING, unit_path__startswith=unit.path)
    late = waiting.filter(submitted_at__lt=timezone.now() - timedelta(days=WAITING_TOO_LONG_DAYS)).count()
    n, a = _absence(unit, period)
    pn, pa = _absence(unit, period.previous())
    counters = AbsenceCounter.objects.filter(unit_path__startswith=unit.path, year=period.end.year)
    at_threshold = counters.filter(level__gt=0).count()
    if not n and not waiting.exists() and not at_threshold:
        return None
    figures = [
        Figure("leave.waiting", _("Leave requests waiting for a decision"), waiting.count()),
        Figure("leave.waiting_too_long", _("Requests waiting more than %(n)s days") % {"n": WAITING_TOO_LONG_DAYS},
               late),
        Figure("leave.absence_rate", _("Working days without attendance"), _rate(n, a), _rate(pn, pa), "percent"),
        Figure("leave.at_threshold", _("People at a PP 94/2021 absence threshold"), at_threshold),
    ]
    first, last = _months(period)
    rows: list[list[Any]] = []
    for child in Unit.objects.filter(parent=unit).order_by("name")[:200]:
        totals = UnitMonth.objects.filter(unit_path__startswith=child.path, month__gte=first,
                                          month__lte=last).aggregate(n=Sum("person_days"), a=Sum("absent_days"))
        if totals["n"]:
            rows.append([child.name, int(totals["n"]), int(totals["a"] or 0), _rate(int(totals["n"]),
                                                                                 int(totals["a"] or 0))])
    levels = (counters.filter(level__gt=0).values("level").annotate(c=Count("id"))
              .order_by("level"))
    tables = [Table("leave.absence_by_unit", _("Days without attendance by unit"),
                    [_("Unit"), _("Person-days"), _("Without attendance"), "%"], rows)]
    if levels:
        from marwah.rules.absence import ABSENCE_TABLE

        tables.append(Table("leave.thresholds", _("People by absence threshold"), [_("Threshold"), _("People")],
                            [[str(ABSENCE_TABLE[row["level"] - 1].sanction.label), row["c"]] for row in levels],
                            chart="none"))
    return Section(key="leave", title=_("Leave and attendance"), strategy_point=5, figures=figures, tables=tables)
