"""Working days and calendars: reads with permission checks."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role
from marwah.worktime.models import Holiday

# Holidays are national: any administrator may correct them; HR may read them.
HOLIDAY_EDITORS = (Role.ADMIN,)
HOLIDAY_READERS = (Role.ADMIN, Role.HR)


def can_edit_holidays(user: User) -> bool:
    return has_role(user, HOLIDAY_EDITORS)


def holidays_for_user(user: User, year: int) -> QuerySet[Holiday]:
    if not has_role(user, HOLIDAY_READERS):
        raise PermissionDenied
    return Holiday.objects.filter(date__year=year).select_related("updated_by").order_by("date")


def get_holiday_for_editor(user: User, pk: int) -> Holiday:
    if not can_edit_holidays(user):
        raise PermissionDenied
    holiday = Holiday.objects.filter(pk=pk).first()
    if holiday is None:
        raise Http404
    return holiday


def cuti_bersama_days(year: int) -> list[date]:
    """Active collective-leave days of a year: public data, no role needed (leave balances read it)."""
    return list(Holiday.objects.filter(date__year=year, kind=Holiday.Kind.CUTI_BERSAMA, is_active=True)
                .order_by("date").values_list("date", flat=True))
