"""Reads for leave, always within the reader's role and unit scope; outsiders get 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role, path_q, role_paths
from marwah.leave import services
from marwah.leave.models import (
    WAITING,
    AbsenceCounter,
    AbsenceNotice,
    Balance,
    Delegation,
    Request,
    UnitMonth,
)
from marwah.orgs.models import Unit
from marwah.people.models import Employee
from marwah.rules import absence as table

HR_ROLES = (Role.HR, Role.ADMIN)
SUPERVISORS = (Role.UNIT_LEADER, Role.HR, Role.AUTHORISED_OFFICIAL, Role.ADMIN)
WAITING_TOO_LONG_DAYS = 3  # calendar days a request may wait before supervision flags it


def employee_of(user: User) -> Employee | None:
    return Employee.objects.select_related("unit", "institution", "superior").filter(user=user).first()


def _base() -> QuerySet[Request]:
    return Request.objects.select_related("employee", "employee__user", "unit", "superior", "permission_type",
                                          "decided_by", "superior_decided_by", "decided_on_behalf_of")


def may_see_private(user: User, request: Request) -> bool:
    """The reason and the proof: the person, who decides or decided, the official and HR. No colleague."""
    if request.employee.user_id == user.pk:
        return True
    if services.may_decide(user, request) or services.may_recall(user, request):
        return True
    decided = {request.superior_decided_by_id, request.decided_by_id}
    if user.pk in decided:
        return True
    sup = request.superior.user_id if request.superior is not None else None
    if sup is not None and (sup == user.pk or sup in services.delegators(user)):
        return True
    return has_role(user, (Role.HR, Role.AUTHORISED_OFFICIAL), request.unit)


def get_request_for_user(user: User, pk: int) -> Request:
    request = _base().filter(pk=pk).first()
    if request is None or not may_see_private(user, request):
        raise Http404
    return request


def my_requests(user: User) -> QuerySet[Request]:
    return _base().filter(employee__user=user).order_by("-submitted_at")[:50]  # type: ignore[return-value]


def waiting_for(user: User) -> QuerySet[Request]:
    return _base().filter(services.approvers_waiting_q(user)).order_by("submitted_at")[:100]  # type: ignore


def waiting_count(user: User) -> int:
    return Request.objects.filter(services.approvers_waiting_q(user)).count()


def delegations_of(user: User) -> QuerySet[Delegation]:
    return (Delegation.objects.filter(Q(from_user=user) | Q(to_user=user), is_active=True,
                                      end__gte=timezone.localdate()).select_related("from_user", "to_user"))


def current_balance(employee: Employee, year: int | None = None) -> Balance:
    return services.ensure_balance(employee, year or timezone.localdate().year)


def balances_for_hr(user: User, *, year: int, query: str = "") -> QuerySet[Balance]:
    qs = Balance.objects.filter(path_q("unit_path", role_paths(user, HR_ROLES)), year=year)
    if query.strip():
        qs = qs.filter(Q(employee__name__icontains=query.strip()) | Q(employee__nip=query.strip()))
    return qs.select_related("employee").order_by("employee__name")[:200]  # type: ignore[return-value]


def get_balance_for_hr(user: User, pk: int) -> Balance:
    balance = Balance.objects.select_related("employee", "employee__unit").filter(pk=pk).first()
    if balance is None or not has_role(user, HR_ROLES, balance.employee.unit):
        raise Http404
    return balance


def get_employee_for_hr(user: User, ref: str) -> Employee | None:
    ref = ref.strip()
    if not ref:
        return None
    found = Employee.objects.select_related("unit").filter(Q(nip=ref) | Q(employee_number=ref)).first()
    if found is None or not has_role(user, HR_ROLES, found.unit):
        return None
    return found


def notices_for(user: User) -> QuerySet[AbsenceNotice]:
    """Notices for the superior they name, and for HR over the person's unit."""
    q = Q(superior_user=user) | path_q("unit_path", role_paths(user, HR_ROLES))
    return AbsenceNotice.objects.filter(q).order_by("-created_at")[:100]  # type: ignore[return-value]


def open_notice_count(user: User) -> int:
    return AbsenceNotice.objects.filter(superior_user=user, opened_at__isnull=True).count()


def get_notice_for_user(user: User, pk: int) -> AbsenceNotice:
    notice = AbsenceNotice.objects.filter(pk=pk).first()
    if notice is None:
        raise Http404
    if notice.superior_user_id == user.pk:
        return notice
    if any(notice.unit_path.startswith(p) for p in role_paths(user, HR_ROLES)):
        return notice
    raise Http404


def employee_names(ids: set[int]) -> dict[int, Employee]:
    return {e.pk: e for e in Employee.objects.filter(pk__in=ids).select_related("unit")}


# --- Supervision from above ---------------------------------------------------------------------------------


def may_supervise(user: User, unit: Unit | None = None) -> bool:
    return has_role(user, SUPERVISORS, unit)


def supervised_units(user: User) -> list[Unit]:
    paths = role_paths(user, SUPERVISORS)
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def get_supervised_unit(user: User, pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not may_supervise(user, unit):
        raise Http404
    return unit


def waiting_too_long(unit: Unit, *, days: int = WAITING_TOO_LONG_DAYS) -> QuerySet[Request]:
    before = timezone.now() - timedelta(days=days)
    return (_base().filter(status__in=WAITING, unit_path__startswith=unit.path, submitted_at__lt=before)
            .order_by("submitted_at")[:100])  # type: ignore[return-value]


@dataclass(frozen=True)
class UnitRate:
    unit: Unit
    person_days: int
    absent_days: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.absent_days / self.person_days, 1) if self.person_days else None


def absence_rates(unit: Unit, month: date) -> list[UnitRate]:
    """The unit and each child subtree: share of working person-days without attendance (UnitMonth)."""
    children = list(Unit.objects.filter(parent=unit).order_by("name")[:200])
    out = []
    for item in [unit, *children]:
        totals = UnitMonth.objects.filter(month=month, unit_path__startswith=item.path).aggregate(
            n=Sum("person_days"), a=Sum("absent_days"))
        if item is not unit and not totals["n"]:
            continue
        out.append(UnitRate(item, int(totals["n"] or 0), int(totals["a"] or 0)))
    return out


def near_threshold(unit: Unit, year: int, *, within: int = 1) -> list[AbsenceCounter]:
    """People at a threshold or `within` days of the next one, heaviest first."""
    first = table.ABSENCE_TABLE[0].days
    rows = (AbsenceCounter.objects.filter(year=year, unit_path__startswith=unit.path)
            .filter(Q(days__gte=first - within) | Q(longest_run__gte=table.CONSECUTIVE_THRESHOLD.days - 3))
            .order_by("-level", "-days")[:100])
    out = []
    for row in rows:
        upcoming = table.next_threshold(row.days)
        if row.level or (upcoming is not None and upcoming.days - row.days <= within):
            out.append(row)
    return out
