"""Holders above the team: every report key is also sealed to someone who is not on the team.

A one-person team (the ethics handler, the neutrality team) must not be the only way into a
report: if that person forgets the password and loses the recovery key, someone above re-shares.
The holders are found the way the routing escalates a conflicted team (marwah/cases/routing.py):
the nearest unit above the handling unit with an unconflicted member of the same team role, and
the unconflicted unit leaders from the handling unit upwards. Blocked people (the reported, the
involved, subordinates of the reported) are never holders, and neither is a custodian of the
report (`vault.seal_report_key` refuses them).
"""

from __future__ import annotations

from collections.abc import Iterable

from marwah.accounts.models import Role, User
from marwah.orgs.models import Unit, decode_path

TEAM_ROLE = {
    "satgas": Role.SATGAS_PKS, "neutrality": Role.NEUTRALITY_TEAM, "ethics": Role.ETHICS,
    "superior": Role.UNIT_LEADER,
}


def holders_above(*, team_kind: str, handling_unit: Unit, accused_ids: Iterable[int],
                  involved_ids: Iterable[int], team_user_ids: set[int]) -> list[User]:
    from marwah.cases.routing import Router

    router = Router(accused_ids=list(accused_ids), involved_ids=list(involved_ids))
    out: dict[int, User] = {}
    chain = list(reversed(decode_path(handling_unit.path)))  # the handling unit first, then upwards
    role = TEAM_ROLE.get(team_kind, Role.UNIT_LEADER)
    if len(chain) > 1:
        parent = Unit.objects.get(pk=chain[1])
        _unit, team, _escalated = router.nearest_team(role, parent)
        out.update({u.pk: u for u, _chair in team if u.pk not in team_user_ids})
    if not out:
        units = Unit.objects.in_bulk(chain)
        for unit_id in chain:
            leaders = [u for u in router.leaders(units[unit_id]) if u.pk not in team_user_ids]
            if leaders:
                out.update({u.pk: u for u in leaders})
                break
    blocked = router.blocked_user_ids | router.excluded_user_ids
    return [u for uid, u in out.items() if uid not in blocked]
