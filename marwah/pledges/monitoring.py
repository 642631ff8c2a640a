"""Pledge coverage in the monitoring report (seed 004 point 1, internalisation: the integrity
pact read and signed at roll-calls), read from the rollup tallies (a few rows per unit).
Coverage is as of now: tallies keep the current state, not a history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

# Strings live in the monitoring app's catalog (marwah/monitoring/texts.py), so the monitoring
# work does not rewrite this app's catalog.
from django.utils.translation import gettext as t_

from marwah.core.figures import Figure, Period, Section, Table
from marwah.pledges import selectors
from marwah.pledges.models import Campaign

MAX_CAMPAIGNS = 5


def _campaigns(unit: Any, period: Period) -> list[Campaign]:
    prefixes = [unit.path[:i] for i in range(selectors.SEG, len(unit.path) + 1, selectors.SEG)]
    return list(Campaign.objects.filter(Q(unit_path__in=prefixes) | Q(unit_path__startswith=unit.path),
                                        institution_id=unit.institution_id, created_at__date__lte=period.end,
                                        deadline__gte=period.start)
                .exclude(status=Campaign.Status.PREPARING).order_by("-created_at")[:MAX_CAMPAIGNS])


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    from marwah.monitoring.access import is_overseer
    from marwah.monitoring.periods import query_for

    if not is_overseer(user, unit):
        return None
    campaigns = _campaigns(unit, period)
    if not campaigns:
        return None
    rows: list[list[Any]] = []
    figures = []
    tables = []
    base = reverse("monitoring:dashboard")
    for campaign in campaigns:
        where = unit if unit.path.startswith(campaign.unit_path) else campaign.unit
        counts, children = selectors.coverage(campaign, where)
        rows.append([campaign.title, counts.in_scope, counts.signed + counts.late, counts.pending, counts.percent])
        figures.append(Figure(f"pledges.coverage.{campaign.pk}", t_("Signed: %(title)s") % {"title": campaign.title},
                              counts.percent, kind="percent"))
        if children:
            tables.append(Table(
                key=f"pledges.units.{campaign.pk}", title=t_("Coverage per unit: %(title)s") % {"title": campaign.title},
                columns=[t_("Unit"), t_("In scope"), t_("Signed"), t_("Not yet"), t_("% signed")],
                rows=[[c.unit.name, c.counts.in_scope, c.counts.signed + c.counts.late, c.counts.pending,
                       c.counts.percent] for c in children],
                row_links=[f"{base}?unit={c.unit.pk}&{query_for(period)}" for c in children]))
    tables.insert(0, Table(key="pledges.campaigns", title=t_("Integrity pact coverage per campaign (as of today)"),
                           columns=[t_("Campaign"), t_("In scope"), t_("Signed"), t_("Not yet"), t_("% signed")],
                           rows=rows))
    return Section(key="pledges", title=t_("Internalisation: the integrity pact"), strategy_point=1,
                   figures=figures, tables=tables, order=10)
