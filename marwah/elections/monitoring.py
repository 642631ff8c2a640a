"""Monitoring section (seed 004 strategy points 4 and 5): neutrality leads and cases by election
stage and by form, and how many watch tasks were done.

Reads the `ElectionTag` rows written when a neutrality case is logged (one small row per
neutrality case, with the handling unit's path) and the watch tasks; never case contents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from marwah.accounts.selectors import has_role
from marwah.core.figures import Figure, Period, Section, Table
from marwah.elections.catalog import form_label
from marwah.elections.models import ElectionTag, WatchStatus, WatchTask
from marwah.elections.selectors import CALENDAR_ROLES


def _tags(unit: Any, period: Period) -> Any:
    return ElectionTag.objects.filter(unit_path__startswith=unit.path, logged_on__gte=period.start,
                                      logged_on__lte=period.end)


def _counts(unit: Any, period: Period) -> dict[str, int]:
    return _tags(unit, period).aggregate(cases=Count("pk"), leads=Count("pk", filter=Q(is_lead=True)))


def _tasks(unit: Any, period: Period) -> dict[str, int]:
    qs = WatchTask.objects.filter(unit__path__startswith=unit.path, stage__starts__lte=period.end,
                                  stage__ends__gte=period.start)
    return qs.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=WatchStatus.DONE)))


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    if not has_role(user, CALENDAR_ROLES, unit):
        return None
    now, before = _counts(unit, period), _counts(unit, period.previous())
    tasks, tasks_before = _tasks(unit, period), _tasks(unit, period.previous())
    if not (now["cases"] or before["cases"] or tasks["total"]):
        return None

    def pct(t: dict[str, int]) -> float | None:
        return round(100 * t["done"] / t["total"], 1) if t["total"] else None

    by_stage = (_tags(unit, period).values("stage__election__name", "stage__name", "period")
                .annotate(leads=Count("pk", filter=Q(is_lead=True)), cases=Count("pk"))
                .order_by("stage__election__name", "stage__starts"))
    by_form = _tags(unit, period).values("form").annotate(n=Count("pk")).order_by("form")
    stage_rows: list[list[Any]] = [
        [f"{r['stage__election__name']}: {r['stage__name']}" if r["stage__name"] else _("Outside any stage"),
         r["leads"], r["cases"]] for r in by_stage]
    return Section(
        key="elections", title=_("Election watch: vulnerable points and supervision"), strategy_point=5,
        figures=[
            Figure("elections.leads", _("Neutrality leads logged by the team"), now["leads"], before["leads"]),
            Figure("elections.cases", _("Neutrality cases (leads and reports)"), now["cases"], before["cases"]),
            Figure("elections.watch_done", _("Watch tasks done"), tasks["done"], tasks_before["done"]),
            Figure("elections.watch_done_pct", _("Watch tasks done (%)"), pct(tasks), pct(tasks_before), "percent"),
        ],
        tables=[
            Table("elections.by_stage", _("Neutrality leads and cases by election stage"),
                  [_("Stage"), _("Leads"), _("Cases")], stage_rows),
            Table("elections.by_form", _("Neutrality cases by form of violation"), [_("Form"), _("Cases")],
                  [[f"{r['form']}. {form_label(r['form'])}" if r["form"] else _("Not set"), r["n"]]
                   for r in by_form]),
        ],
    )
