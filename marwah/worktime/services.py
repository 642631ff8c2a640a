"""Working-day arithmetic and holiday maintenance.

Working days skip Saturdays, Sundays and every active `Holiday` (libur nasional and cuti
bersama). A year's holidays are read once and cached; every write clears the cache.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.worktime.models import Holiday

CACHE_KEY = "worktime:holidays:v1:{year}"
CACHE_SECONDS = 24 * 3600
LOCAL_SECONDS = 60  # another process's edit is seen within a minute
_local: dict[int, tuple[float, frozenset[date]]] = {}


def holidays_in_year(year: int) -> frozenset[date]:
    """Active holiday dates of one year: process memory first, then the shared cache, then one query."""
    hit = _local.get(year)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    cached = cache.get(CACHE_KEY.format(year=year))
    if cached is None:
        cached = sorted(
            Holiday.objects.filter(date__year=year, is_active=True).values_list("date", flat=True)
        )
        cache.set(CACHE_KEY.format(year=year), cached, CACHE_SECONDS)
    days = frozenset(cached)
    _local[year] = (time.monotonic() + LOCAL_SECONDS, days)
    return days


def clear_cache(years: set[int] | None = None) -> None:
    for year in set(years) if years is not None else set(_local):
        cache.delete(CACHE_KEY.format(year=year))
    if years is None:
        _local.clear()
    else:
        for year in years:
            _local.pop(year, None)


def _clear_now_and_on_commit(years: set[int]) -> None:
    clear_cache(years)
    transaction.on_commit(lambda: clear_cache(years))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_in_year(day.year)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted); n=0 gives `start`."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    left = n
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`.

    Whole weeks are counted arithmetically, so a date two years away costs no more than one nearby.
    """
    if b < a:
        return -working_days_between(b, a)
    weeks, rest = divmod((b - a).days, 7)
    count = weeks * 5
    day = a + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    for year in range(a.year, b.year + 1):
        count -= sum(1 for h in holidays_in_year(year) if a < h <= b and h.weekday() < 5)
    return count


def _package_days(year: int) -> dict[date, tuple[str, str]]:
    import holidays

    calendar = holidays.Indonesia(years=year, categories=("public", "government"), language="id")
    government = holidays.Indonesia(years=year, categories=("government",), language="id")
    out: dict[date, tuple[str, str]] = {}
    for day, name in sorted(calendar.items()):
        kind = Holiday.Kind.CUTI_BERSAMA if day in government else Holiday.Kind.PUBLIC
        out[day] = (str(name)[:150], kind)
    return out


@transaction.atomic
def load_holidays(*, years: list[int], actor: User | None = None) -> dict[str, int]:
    """Load national holidays and cuti bersama from the `holidays` package.

    Days an administrator entered or cancelled are left as they are.
    """
    created = updated = 0
    for year in years:
        existing = {h.date: h for h in Holiday.objects.filter(date__year=year)}
        for day, (name, kind) in _package_days(year).items():
            row = existing.get(day)
            if row is None:
                Holiday.objects.create(date=day, name=name, kind=kind, source=Holiday.Source.PACKAGE)
                created += 1
            elif row.source == Holiday.Source.PACKAGE and (row.name != name or row.kind != kind):
                row.name, row.kind = name, kind
                row.save(update_fields=["name", "kind", "updated_at"])
                updated += 1
    record(actor=actor, action="worktime.holidays_loaded",
           detail={"years": years, "created": created, "updated": updated})
    _clear_now_and_on_commit(set(years))
    return {"created": created, "updated": updated}


@transaction.atomic
def add_holiday(*, actor: User, day: date, name: str, kind: str, note: str = "") -> Holiday:
    row = Holiday.objects.filter(date=day).first()
    if row is None:
        row = Holiday(date=day)
    row.name, row.kind, row.note = name, kind, note
    row.source, row.is_active, row.updated_by = Holiday.Source.ADMIN, True, actor
    row.full_clean()
    row.save()
    record(actor=actor, action="worktime.holiday_added", target=row,
           detail={"date": day.isoformat(), "kind": kind})
    _clear_now_and_on_commit({day.year})
    return row


@transaction.atomic
def remove_holiday(*, actor: User, holiday: Holiday) -> None:
    """Cancel a day: kept as inactive so reloading the package does not restore it."""
    holiday.is_active = False
    holiday.source = Holiday.Source.ADMIN
    holiday.updated_by = actor
    holiday.save(update_fields=["is_active", "source", "updated_by", "updated_at"])
    record(actor=actor, action="worktime.holiday_removed", target=holiday,
           detail={"date": holiday.date.isoformat()})
    year = holiday.date.year
    _clear_now_and_on_commit({year})


@transaction.atomic
def restore_holiday(*, actor: User, holiday: Holiday) -> None:
    holiday.is_active = True
    holiday.updated_by = actor
    holiday.save(update_fields=["is_active", "updated_by", "updated_at"])
    record(actor=actor, action="worktime.holiday_restored", target=holiday,
           detail={"date": holiday.date.isoformat()})
    year = holiday.date.year
    _clear_now_and_on_commit({year})
