"""The period picker: month, quarter, semester, year or a custom span of whole months.

Counters are kept per calendar month, so every period is a span of whole months (a custom
period is picked as from-month and to-month) and its comparison is the span just before it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from marwah.core.figures import Period

KINDS = ("month", "quarter", "semester", "year", "custom")


def _end_of(year: int, month: int) -> date:
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(y, m, 1) - timedelta(days=1)


def make(kind: str, year: int, index: int = 1, *, end_year: int = 0, end_month: int = 0) -> Period:
    """index: month 1-12, quarter 1-4, semester 1-2; for custom, (year, index) is the first month."""
    if kind == "month":
        return Period(date(year, index, 1), _end_of(year, index), "month")
    if kind == "quarter":
        return Period(date(year, 3 * index - 2, 1), _end_of(year, 3 * index), "quarter")
    if kind == "semester":
        return Period(date(year, 6 * index - 5, 1), _end_of(year, 6 * index), "semester")
    if kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    return Period(date(year, index, 1), _end_of(end_year, end_month), "custom")


def current_quarter(today: date) -> Period:
    return make("quarter", today.year, (today.month - 1) // 3 + 1)


def last_quarter(today: date) -> Period:
    return current_quarter(today).previous()


def _month(value: str) -> tuple[int, int] | None:
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not found:
        return None
    y, m = int(found[1]), int(found[2])
    return (y, m) if 2000 <= y <= 2100 and 1 <= m <= 12 else None


def parse(params: Any, today: date) -> tuple[Period, str]:
    """The period asked for in `params` (GET), and an error message when it was not understood
    (then the current quarter is shown)."""
    kind = params.get("period", "quarter")
    if kind not in KINDS:
        return current_quarter(today), _("Choose a period from the list.")
    value = params.get("value", "")
    if kind == "custom":
        start, end = _month(params.get("start", "")), _month(params.get("end", ""))
        if not start or not end or start > end:
            return current_quarter(today), _("Give a start month and an end month (YYYY-MM), the start first.")
        if (end[0] - start[0]) * 12 + end[1] - start[1] >= 60:
            return current_quarter(today), _("A custom period can span five years at most.")
        return make("custom", start[0], start[1], end_year=end[0], end_month=end[1]), ""
    if not value:
        if kind == "month":
            return make("month", today.year, today.month), ""
        if kind == "semester":
            return make("semester", today.year, 1 if today.month <= 6 else 2), ""
        if kind == "year":
            return make("year", today.year), ""
        return current_quarter(today), ""
    patterns = {"month": r"(\d{4})-(\d{1,2})", "quarter": r"(\d{4})-Q([1-4])", "semester": r"(\d{4})-S([12])",
                "year": r"(\d{4})()"}
    found = re.fullmatch(patterns[kind], value.strip(), flags=re.IGNORECASE)
    if not found or not 2000 <= int(found[1]) <= 2100 or (kind == "month" and not 1 <= int(found[2]) <= 12):
        return current_quarter(today), _("This period was not understood; the current quarter is shown.")
    return make(kind, int(found[1]), int(found[2] or 1)), ""


def value_of(period: Period) -> str:
    s = period.start
    if period.kind == "month":
        return f"{s:%Y-%m}"
    if period.kind == "quarter":
        return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
    if period.kind == "semester":
        return f"{s.year}-S{1 if s.month <= 6 else 2}"
    if period.kind == "year":
        return str(s.year)
    return ""


def query_for(period: Period) -> str:
    if period.kind in ("", "custom"):
        return f"period=custom&start={period.start:%Y-%m}&end={period.end:%Y-%m}"
    return f"period={period.kind}&value={value_of(period)}"


def label(period: Period) -> str:
    s, e = period.start, period.end
    if period.kind == "month":
        return f"{s:%m/%Y}"
    if period.kind == "quarter":
        return _("Quarter %(n)s %(year)s") % {"n": (s.month - 1) // 3 + 1, "year": s.year}
    if period.kind == "semester":
        return _("Semester %(n)s %(year)s") % {"n": 1 if s.month <= 6 else 2, "year": s.year}
    if period.kind == "year":
        return str(s.year)
    return f"{s:%d/%m/%Y} – {e:%d/%m/%Y}"


def from_report(kind: str, start: date, end: date) -> Period:
    return Period(start, end, kind)
