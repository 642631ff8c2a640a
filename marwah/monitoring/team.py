"""Seed 004 point 3, the internal team: who holds the supervising roles in the unit's subtree
(role assignments are a small table; counted per view)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import role_holders
from marwah.core.figures import Figure, Period, Section, Table

TEAM_ROLES = (Role.NEUTRALITY_TEAM, Role.SATGAS_PKS, Role.ETHICS, Role.HR)


def section(*, user: Any, unit: Any, period: Period) -> Section | None:
    from marwah.monitoring.access import is_overseer

    if not is_overseer(user, unit):
        return None
    counts = role_holders(unit, TEAM_ROLES)
    if not any(counts.values()):
        return None
    labels = {r.value: str(r.label) for r in Role}
    rows: list[list[Any]] = [[labels[r], counts.get(r, 0)] for r in TEAM_ROLES]
    figures = [Figure(f"team.{r}", labels[r], counts.get(r, 0)) for r in TEAM_ROLES[:2]]
    return Section(key="team", title=_("The internal team"), strategy_point=3, figures=figures,
                   tables=[Table(key="team.roles", title=_("People holding a supervising role (as of today)"),
                                 columns=[_("Role"), _("People")], rows=rows)])
