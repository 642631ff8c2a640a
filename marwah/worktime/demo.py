"""Demo: national holidays and cuti bersama 2025–2027 from the holidays package."""

from __future__ import annotations

from marwah.core.demo import DemoContext
from marwah.worktime.services import load_holidays


def seed(ctx: DemoContext) -> None:
    load_holidays(years=[2025, 2026, 2027], actor=None)
