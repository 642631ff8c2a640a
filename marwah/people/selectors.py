"""Reads of the people registry, always within the reader's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from marwah.accounts.models import User
from marwah.accounts.selectors import ORG_READERS, has_role, path_q, role_paths
from marwah.audit import services as audit
from marwah.orgs.models import Unit
from marwah.people.models import Employee


def employees_for_user(user: User, *, unit: Unit | None = None, query: str = "",
                       employment_type: str = "") -> QuerySet[Employee]:
    qs = Employee.objects.filter(path_q("unit_path", role_paths(user, ORG_READERS)))
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    if employment_type:
        qs = qs.filter(employment_type=employment_type)
    query = query.strip()
    if query:
        qs = qs.filter(Q(nip__startswith=query) if query.isascii() and query.isdigit() else Q(name__icontains=query))
    return qs.select_related("unit").order_by("name", "id")


def get_employee_for_user(user: User, pk: int) -> Employee:
    employee = Employee.objects.select_related("unit", "superior", "user", "institution").filter(pk=pk).first()
    if employee is None:
        raise Http404
    own = employee.user_id is not None and employee.user_id == user.pk
    if not own and not has_role(user, ORG_READERS, employee.unit):
        raise Http404
    audit.record(actor=user, action="employee.read", target=employee, unit=employee.unit_id)
    return employee


def employee_by_ref_for_user(user: User, ref: str, roles: tuple[str, ...] = ORG_READERS) -> Employee | None:
    """The person with this NIP (or employee number), if one of `roles` covers their unit."""
    ref = ref.strip()
    if not ref:
        return None
    qs = Employee.objects.select_related("unit", "user").filter(path_q("unit_path", role_paths(user, roles)))
    return qs.filter(nip=ref).first() or qs.filter(employee_number=ref).first()


def employees_without_account(*, unit_path: str, employment_types: list[str]) -> QuerySet[Employee]:
    """Active people under a unit who have no account yet (for bulk invitations; no user scope)."""
    qs = Employee.objects.filter(unit_path__startswith=unit_path, is_active=True, user__isnull=True)
    if employment_types:
        qs = qs.filter(employment_type__in=employment_types)
    return qs
