"""The contract between the monitoring app and the apps whose figures it shows.

Each app may have a `monitoring.py` with

    def section(*, user, unit, period: Period) -> Section | None

that returns its figures for `unit`'s subtree in `period` (and the period before, for
comparison), or None when the user's roles may not see them or there is no data yet. It
reads its own counters or summary tables (kept on write), never a scan of its big tables,
and never anything computed from encrypted content. The monitoring app gathers the
sections in APP_ORDER (as nav.py gathers menus), applies small-count suppression to every
cell marked `sensitive`, and renders them on the dashboard, the PDF and the XLSX.

Seed 004's strategy has eight points; `strategy_point` places a section under one of them
in the periodic report:
    1 internalisation at roll-calls, 2 socialisation, 3 the internal team,
    4 vulnerable points per election stage, 5 supervision, 6 enforcement,
    7 monitoring and evaluation, 8 reporting to the Secretary General.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from typing import Any, Literal

Number = int | float | None
Kind = Literal["count", "percent", "days", "text"]

APP_ORDER = ["pledges", "socialisation", "elections", "reporting", "cases", "leave"]
# Sections the monitoring app itself provides (module, under marwah.monitoring).
OWN_SECTIONS = ["team"]


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive
    # "month", "quarter", "semester", "year" for calendar periods (whose previous period is the
    # calendar one before), "" for any other span.
    kind: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period just before this one: the previous calendar month, quarter, semester or
        year for calendar periods (and for spans of whole months), else the same number of days."""
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            n = self.months
            end = self.start - timedelta(days=1)
            y, m = divmod(self.start.year * 12 + self.start.month - 1 - n, 12)
            return Period(start=date(y, m + 1, 1), end=end, kind=self.kind)
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end, kind=self.kind)


@dataclass(frozen=True)
class Figure:
    key: str  # stable, e.g. "cases.open"; used by the XLSX and by tests
    label: str  # translated
    value: Number
    previous: Number = None  # the same figure for Period.previous(), when it makes sense
    kind: Kind = "count"
    # Sensitive figures (sexual violence) are shown only at or above the suppression threshold.
    sensitive: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]  # first cell is the row label (a unit name, a category, ...)
    # Indexes of columns whose cells are sensitive counts; the monitoring app suppresses
    # small cells there and the complementary cells needed so none can be derived.
    sensitive_columns: frozenset[int] = frozenset()
    # True when the last row is a total of the rows above (suppression must account for it).
    has_total_row: bool = False
    chart: Literal["bar", "line", "none"] = "bar"
    # Optional drill-down link per row (same length as rows), e.g. the dashboard for a sub-unit.
    row_links: list[str | None] = field(default_factory=list)
    # Indexes of rows whose cells are sensitive counts (e.g. the sexual-violence row of a
    # category-by-status table).
    sensitive_rows: frozenset[int] = frozenset()
    # True when the last column is a total of the columns before it (after the label column).
    has_total_column: bool = False
    # Shown under the table (e.g. how a figure is computed).
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # the app label
    title: str
    strategy_point: int  # 1..8, see the module docstring
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    order: int = 50


def sections(*, user: Any, unit: Any, period: Period) -> list[Section]:
    out: list[Section] = []
    for app in APP_ORDER:
        try:
            module = import_module(f"marwah.{app}.monitoring")
        except ModuleNotFoundError as exc:
            if exc.name in (f"marwah.{app}.monitoring", f"marwah.{app}"):
                continue
            raise
        if hasattr(module, "sections"):  # an app reporting under more than one strategy point
            out.extend(module.sections(user=user, unit=unit, period=period))
            continue
        found = module.section(user=user, unit=unit, period=period)
        if found is not None:
            out.append(found)
    for name in OWN_SECTIONS:
        found = import_module(f"marwah.monitoring.{name}").section(user=user, unit=unit, period=period)
        if found is not None:
            out.append(found)
    return sorted(out, key=lambda s: (s.strategy_point, s.order))
