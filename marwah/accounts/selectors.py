"""Who may see what: the one place that turns a user's roles into unit scopes.

A role held at a unit covers that unit and its whole subtree. Views and other
apps' selectors ask here; they never read RoleAssignment themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from marwah.accounts.models import ROLES_REQUIRING_2FA, Role, RoleAssignment, User
from marwah.core import memo
from marwah.orgs.models import Unit


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    path: str
    institution_id: int
    unit_kind: str
    is_chair: bool


def grants(user: User) -> list[Grant]:
    """The user's role grants: every staff request asks (default-deny's 2FA rule, menus, scopes).

    Kept per process in `core.memo`, which every role or unit write invalidates on every server when
    it commits, so a revoked role is gone at the next request; and once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_marwah_grants", None)
    if cached is None:
        cached = memo.get("grants", user.pk, lambda: _load_grants(user.pk))
        user._marwah_grants = cached  # type: ignore[attr-defined]
    return cached


def _load_grants(user_id: int) -> list[Grant]:
    rows = RoleAssignment.objects.filter(user_id=user_id).values_list(
        "role", "unit_id", "unit__path", "unit__institution_id", "unit__kind", "is_chair")
    return [Grant(*row) for row in rows]


def forget_grants(user: User) -> None:
    if hasattr(user, "_marwah_grants"):
        del user._marwah_grants


def role_paths(user: User, roles: Iterable[str]) -> list[str]:
    wanted = set(roles)
    paths = sorted({g.path for g in grants(user) if g.role in wanted})
    # Drop paths already covered by a shorter one so queries stay small.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def has_role(user: User, roles: Iterable[str] | str, unit: Unit | None = None) -> bool:
    wanted = {roles} if isinstance(roles, str) else set(roles)
    for grant in grants(user):
        if grant.role in wanted and (unit is None or unit.path.startswith(grant.path)):
            return True
    return False


def requires_two_factor(user: User) -> bool:
    return any(g.role in ROLES_REQUIRING_2FA for g in grants(user)) or bool(user.is_superuser)


def path_q(field: str, paths: list[str]) -> Q:
    """Q matching rows whose `field` (a unit path) lies under any of `paths`."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


# Roles that may browse units and people in their scope.
ORG_READERS = (Role.UNIT_LEADER, Role.HR, Role.ADMIN, Role.AUDITOR)
ORG_MANAGERS = (Role.HR, Role.ADMIN)


def units_for_user(user: User, roles: Iterable[str] = ORG_READERS) -> QuerySet[Unit]:
    return Unit.objects.filter(path_q("path", role_paths(user, roles)))


def get_unit_for_user(user: User, pk: int, roles: Iterable[str] = ORG_READERS) -> Unit:
    """The unit, if one of `roles` covers it; 404 otherwise (outsiders learn nothing)."""
    unit = Unit.objects.select_related("institution", "parent").filter(pk=pk).first()
    if unit is None or not has_role(user, roles, unit):
        raise Http404
    return unit


def root_units_for_user(user: User, roles: Iterable[str] = ORG_READERS) -> list[Unit]:
    paths = role_paths(user, roles)
    return list(Unit.objects.filter(path__in=paths).select_related("institution").order_by("path"))


def role_assignments_for_admin(user: User) -> QuerySet[RoleAssignment]:
    paths = role_paths(user, [Role.ADMIN])
    return (
        RoleAssignment.objects.filter(path_q("unit__path", paths))
        .select_related("user", "unit")
        .order_by("unit__path", "role")[:500]
    )


def get_role_assignment_for_admin(user: User, pk: int) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=pk).first()
    if assignment is None or not has_role(user, Role.ADMIN, assignment.unit):
        raise Http404
    return assignment


def role_holders(unit: Unit, roles: Iterable[str]) -> dict[str, int]:
    """How many people hold each of `roles` anywhere in `unit`'s subtree (monitoring, point 3)."""
    from django.db.models import Count

    rows = (RoleAssignment.objects.filter(role__in=list(roles), unit__path__startswith=unit.path)
            .values_list("role").annotate(n=Count("user_id", distinct=True)).order_by())
    return dict(rows)
