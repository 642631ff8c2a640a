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
from dataclasses import dataclass

from django.http import Http404, HttpRequest

from marwah.accounts.models import Role, User
from marwah.audit.services import record
from marwah.orgs.models import Unit, decode_path
from marwah.reporting import vault
from marwah.reporting.models import Report, ReportAccess

TEAM_ROLE = {
    "satgas": Role.SATGAS_PKS, "neutrality": Role.NEUTRALITY_TEAM, "ethics": Role.ETHICS,
    "superior": Role.UNIT_LEADER,
}


def holders_above(*, team_kind: str, handling_unit: Unit, accused_ids: Iterable[int],
                  involved_ids: Iterable[int], team_user_ids: set[int]) -> list[User]:
    from marwah.cases.routing import Router, unit_by_id, units_by_id

    router = Router(accused_ids=list(accused_ids), involved_ids=list(involved_ids))
    out: dict[int, User] = {}
    chain = list(reversed(decode_path(handling_unit.path)))  # the handling unit first, then upwards
    role = TEAM_ROLE.get(team_kind, Role.UNIT_LEADER)
    if len(chain) > 1:
        parent = unit_by_id(chain[1])
        _unit, team, _escalated = router.nearest_team(role, parent)
        out.update({u.pk: u for u, _chair in team if u.pk not in team_user_ids})
    if not out:
        units = units_by_id(chain)
        for unit_id in chain:
            leaders = [u for u in router.leaders(units[unit_id]) if u.pk not in team_user_ids]
            if leaders:
                out.update({u.pk: u for u in leaders})
                break
    blocked = router.blocked_user_ids | router.excluded_user_ids
    return [u for uid, u in out.items() if uid not in blocked]


# --- For the holders above: reports whose team lost a key ------------------------------------------

@dataclass(frozen=True)
class HeldReport:
    report: Report
    case_public_id: str
    missing: list[User]


def reports_held_above(user: User) -> list[HeldReport]:
    """Reports this user holds as the level above the team, with the active team members who
    cannot open them any more (a reset and a new key pair)."""
    from marwah.cases.models import Case

    report_ids = list(ReportAccess.objects.filter(user=user, is_escrow=True, retired_key=None,
                                                  report__purged_at=None).values_list("report_id", flat=True))
    if not report_ids:
        return []
    holders: dict[int, set[int]] = {}
    for report_id, user_id in ReportAccess.objects.filter(report_id__in=report_ids, retired_key=None).values_list(
            "report_id", "user_id"):
        holders.setdefault(report_id, set()).add(user_id)
    out = []
    for case in Case.objects.filter(report_id__in=report_ids).select_related("report").prefetch_related(
            "members__user").order_by("-created_at"):
        missing = [m.user for m in case.members.all()
                   if m.is_active and m.user_id not in holders.get(case.report_id, set())]
        out.append(HeldReport(case.report, case.public_id, missing))
    return out


def holds_any_above(user: User) -> bool:
    return ReportAccess.objects.filter(user=user, is_escrow=True, retired_key=None).exists()


def reshare_from_above(*, request: HttpRequest, report: Report) -> int:
    """The holder above re-seals the report key to the team members who lost theirs."""
    user = vault.request_user(request)
    held = next((h for h in reports_held_above(user) if h.report.pk == report.pk), None)
    if held is None:
        raise Http404
    if not held.missing:
        return 0
    count = vault.share_access(request=request, report=report, users=held.missing)
    record(actor=user, action="reporting.reshared_from_above", target=report, unit=report.unit_id,
           detail={"users": count})
    return count
