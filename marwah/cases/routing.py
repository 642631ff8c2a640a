"""Which team handles a report, and who must be kept out of it.

Rules (regulations.md §1–3; issue 4 point 6):
- sexual violence in KPU -> the Satgas PKS of the province covering the unit; KPU RI's Satgas for
  KPU RI itself and for a provincial office itself (a province's Satgas does not judge its own office).
  Other institutions have no Satgas under Keputusan KPU 1341/2024: their own Satgas if an
  administrator set one up above the unit, otherwise the ethics handlers (and HR).
- neutrality -> the institution's internal neutrality team (nearest one above the unit);
- organizer ethics -> ethics handlers; data leak -> ethics handlers and HR;
- discipline -> the reported employee's direct superior and HR (PP 94/2021 Pasal 26).
Conflict of interest: the reported and involved people are blocked; a handler who is a
(transitive) subordinate of a reported person is excluded; if nobody is left the search goes
one level up, to the next ancestor holding that role (KPU RI / the headquarters at the top).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings

from marwah.accounts.models import Role, RoleAssignment, User
from marwah.core import memo
from marwah.orgs.models import Unit, UnitKind, decode_path
from marwah.people.models import Employee
from marwah.rules.violations import DATA_LEAK, DISCIPLINE, ETHICS, NEUTRALITY, SEXUAL_VIOLENCE

MAX_CHAIN = 30  # superior chains are short; this only stops a cycle in bad HR data


def _token(value: str) -> str:
    secret = settings.MARWAH_MATCH_SECRET
    key = hmac.new(secret.encode() if isinstance(secret, str) else secret, b"marwah.cases.block.v1",
                   hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def user_token(user_id: int) -> str:
    """A keyed token for a user id: the secret lives outside the database."""
    return _token(f"user:{user_id}")


def employee_token(employee_id: int) -> str:
    """A keyed token for a reported employee: later handlers are checked against their superior chain."""
    return _token(f"employee:{employee_id}")


def superior_chain_ids(employee_id: int | None) -> list[int]:
    """The employee's superiors, nearest first (one query per level; chains are short)."""
    out: list[int] = []
    current = Employee.objects.filter(pk=employee_id).values_list("superior_id", flat=True).first() \
        if employee_id else None
    while current and current not in out and len(out) < MAX_CHAIN:
        out.append(current)
        current = Employee.objects.filter(pk=current).values_list("superior_id", flat=True).first()
    return out


def superior_chains(employee_ids: list[int]) -> dict[int, list[int]]:
    """`superior_chain_ids` for many employees at once: one query per level for all of them."""
    parent: dict[int, int | None] = {}
    frontier = {e for e in employee_ids if e}
    for _level in range(MAX_CHAIN + 1):
        frontier -= parent.keys()
        if not frontier:
            break
        found = dict(Employee.objects.filter(pk__in=frontier).order_by().values_list("pk", "superior_id"))
        parent.update({pk: found.get(pk) for pk in frontier})
        frontier = {s for s in found.values() if s}
    chains: dict[int, list[int]] = {}
    for employee_id in employee_ids:
        out: list[int] = []
        current = parent.get(employee_id)
        while current and current not in out and len(out) < MAX_CHAIN:
            out.append(current)
            current = parent.get(current)
        chains[employee_id] = out
    return chains


@dataclass
class Route:
    team_kind: str
    handling_unit: Unit
    members: list[tuple[User, str, bool]] = field(default_factory=list)  # (user, reason, is_chair)
    blocked_user_ids: set[int] = field(default_factory=set)
    accused_employee_ids: set[int] = field(default_factory=set)
    escalated_for_conflict: bool = False
    accused_employment_type: str = ""

    @property
    def recipients(self) -> list[User]:
        return [u for u, _, _ in self.members]


def unit_by_id(pk: int) -> Unit:
    """A unit, remembered per process (`core.memo`: forgotten when any unit is saved)."""
    return memo.get("unit", pk, lambda: Unit.objects.get(pk=pk))


def units_by_id(ids: list[int]) -> dict[int, Unit]:
    return {pk: unit_by_id(pk) for pk in ids}


def role_holders(role: str, unit_ids: list[int]) -> dict[int, list[tuple[User, bool]]]:
    """{unit id: [(active user, is chair)]} of a role on these units, oldest grant first; remembered
    per process and forgotten when any role, user or unit changes (`core.memo`)."""
    def load() -> dict[int, list[tuple[User, bool]]]:
        rows = (RoleAssignment.objects.filter(role=role, unit_id__in=unit_ids, user__is_active=True)
                .select_related("user").order_by("id"))
        out: dict[int, list[tuple[User, bool]]] = {}
        for ra in rows:
            out.setdefault(ra.unit_id, []).append((ra.user, ra.is_chair))
        return out

    return memo.get("role-holders", (role, tuple(unit_ids)), load)


def _ancestors_or_self(unit: Unit) -> list[int]:
    """Unit ids from the unit up to the root (nearest first)."""
    return list(reversed(decode_path(unit.path)))


def _subordinate_of(employee: Employee | None, accused_ids: set[int], superiors: dict[int, int | None]) -> bool:
    seen = 0
    current = employee.superior_id if employee else None
    while current and seen < MAX_CHAIN:
        if current in accused_ids:
            return True
        current = superiors.get(current)
        seen += 1
    return False


class Router:
    def __init__(self, *, accused_ids: list[int], involved_ids: list[int]) -> None:
        self.accused_ids = set(accused_ids)
        named = self.accused_ids | set(involved_ids)
        # Most reports name nobody from the registry: no query to build (and none to send) then.
        people = Employee.objects.filter(pk__in=named).only("user_id") if named else ()
        self.blocked_user_ids = {e.user_id for e in people if e.user_id}
        self.excluded_user_ids: set[int] = set()  # conflicted handlers met while routing
        self._superiors: dict[int, int | None] | None = None

    def superiors(self) -> dict[int, int | None]:
        # Only superiors of handlers matter; loading the chains lazily keeps routing to a few queries.
        if self._superiors is None:
            self._superiors = {}
        return self._superiors

    def _load_chain(self, employee_ids: set[int]) -> None:
        sup = self.superiors()
        frontier = {i for i in employee_ids if i not in sup}
        for _ in range(MAX_CHAIN):
            if not frontier:
                break
            rows = dict(Employee.objects.filter(pk__in=frontier).values_list("pk", "superior_id"))
            sup.update(rows)
            frontier = {s for s in rows.values() if s and s not in sup}

    def conflicted(self, users: list[User]) -> set[int]:
        """User ids that may not handle: blocked people and subordinates of a reported person."""
        out = {u.pk for u in users if u.pk in self.blocked_user_ids}
        if not self.accused_ids:
            return out
        employees = {e.user_id: e for e in Employee.objects.filter(user__in=users).only("pk", "user_id",
                                                                                         "superior_id")}
        self._load_chain({e.superior_id for e in employees.values() if e.superior_id})
        for user in users:
            emp = employees.get(user.pk)
            if emp and (emp.pk in self.accused_ids or _subordinate_of(emp, self.accused_ids, self.superiors())):
                out.add(user.pk)
        self.excluded_user_ids |= out
        return out

    def holders(self, role: str, unit_ids: list[int]) -> dict[int, list[tuple[User, bool]]]:
        return role_holders(role, unit_ids)

    def nearest_team(self, role: str, start: Unit) -> tuple[Unit | None, list[tuple[User, bool]], bool]:
        """The nearest unit at or above `start` with an unconflicted holder of `role`.

        Returns (unit, holders, escalated) where escalated says a nearer team existed but was conflicted.
        """
        chain = _ancestors_or_self(start)
        by_unit = self.holders(role, chain)
        escalated = False
        for unit_id in chain:
            team = by_unit.get(unit_id)
            if not team:
                continue
            bad = self.conflicted([u for u, _ in team])
            clean = [(u, chair) for u, chair in team if u.pk not in bad]
            if clean:
                return unit_by_id(unit_id), clean, escalated
            escalated = True
        return None, [], escalated

    def leaders(self, unit: Unit) -> list[User]:
        team = self.holders(Role.UNIT_LEADER, [unit.pk]).get(unit.pk, [])
        bad = self.conflicted([u for u, _ in team])
        return [u for u, _ in team if u.pk not in bad]


def _root(unit: Unit) -> Unit:
    return unit_by_id(decode_path(unit.path)[0])


def _satgas_start(unit: Unit) -> Unit:
    if unit.kind in (UnitKind.KPU_RI, UnitKind.KPU_PROVINCE):
        return _root(unit)  # KPU RI's Satgas handles KPU RI and a provincial office itself
    ids = decode_path(unit.path)
    units = units_by_id(ids)
    for uid in reversed(ids):
        if units[uid].kind == UnitKind.KPU_PROVINCE:
            return units[uid]
    return unit


def route(*, category: str, unit: Unit, accused_ids: list[int], involved_ids: list[int],
          lead: bool = False) -> Route:
    router = Router(accused_ids=accused_ids, involved_ids=involved_ids)
    accused = list(Employee.objects.filter(pk__in=accused_ids).select_related("superior")) if accused_ids else []
    etype = accused[0].employment_type if accused else ""
    members: list[tuple[User, str, bool]] = []
    handling: Unit | None = None
    team_kind = ""
    escalated = False

    def add_team(role: str, start: Unit, reason: str) -> tuple[Unit | None, bool]:
        found, team, esc = router.nearest_team(role, start)
        for user, chair in team:
            members.append((user, reason, chair))
        return found, esc

    if category == SEXUAL_VIOLENCE:
        handling, escalated = add_team(Role.SATGAS_PKS, _satgas_start(unit), "team")
        team_kind = "satgas"
        if handling is None:  # an institution without a Satgas: its ethics handlers and HR
            handling, escalated = add_team(Role.ETHICS, unit, "team")
            team_kind = "ethics"
            add_team(Role.HR, unit, "hr")
    elif category == NEUTRALITY and lead:
        # A lead from the neutrality team's own monitoring (journey 6): the employee's superior and HR
        # examine it (PP 94/2021 Pasal 26); the team that filed it stays on the case.
        team_kind = "superior"
        handling, escalated = _superior_route(router, accused, unit, members)
        hr_unit, _esc = add_team(Role.HR, handling or unit, "hr")
        handling = handling or hr_unit
    elif category == NEUTRALITY:
        handling, escalated = add_team(Role.NEUTRALITY_TEAM, unit, "team")
        team_kind = "neutrality"
    elif category == ETHICS:
        handling, escalated = add_team(Role.ETHICS, unit, "team")
        team_kind = "ethics"
    elif category == DATA_LEAK:
        handling, escalated = add_team(Role.ETHICS, unit, "team")
        team_kind = "ethics"
        add_team(Role.HR, unit, "hr")
    elif category == DISCIPLINE:
        team_kind = "superior"
        handling, escalated = _superior_route(router, accused, unit, members)
        hr_unit, _esc = add_team(Role.HR, handling or unit, "hr")
        handling = handling or hr_unit
    if handling is None:
        handling = _root(unit)
    for leader in router.leaders(handling):
        members.append((leader, "leader", False))
    # one row per user, first reason wins
    seen: set[int] = set()
    unique = []
    for user, reason, chair in members:
        if user.pk not in seen and user.pk not in router.blocked_user_ids:
            seen.add(user.pk)
            unique.append((user, reason, chair))
    return Route(team_kind=team_kind, handling_unit=handling, members=unique,
                 blocked_user_ids=router.blocked_user_ids | router.excluded_user_ids,
                 accused_employee_ids=set(accused_ids), escalated_for_conflict=escalated,
                 accused_employment_type=etype)


def _superior_route(router: Router, accused: list[Employee], unit: Unit,
                    members: list[tuple[User, str, bool]]) -> tuple[Unit | None, bool]:
    """The direct superior of the (first) reported employee; if conflicted, the superior's superior."""
    escalated = False
    for employee in accused:
        current = employee.superior
        depth = 0
        while current is not None and depth < MAX_CHAIN:
            user = User.objects.filter(pk=current.user_id).first() if current.user_id else None
            if user and user.is_active and user.pk not in router.conflicted([user]):
                members.append((user, "superior", True))
                return current.unit, escalated
            escalated = escalated or user is not None
            current = current.superior
            depth += 1
    # Nobody in the registry: the unit's leaders act as the superior.
    found, team, esc = router.nearest_team(Role.UNIT_LEADER, unit)
    for user, _chair in team:
        members.append((user, "superior", True))
    return found, escalated or esc
