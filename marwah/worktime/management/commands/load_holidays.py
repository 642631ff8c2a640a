from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from marwah.worktime.services import load_holidays


class Command(BaseCommand):
    help = "Load Indonesian national holidays and cuti bersama for the given years (e.g. 2025 2026 2027)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        years = sorted(set(options["years"]))
        if any(y < 2000 or y > 2100 for y in years):
            raise CommandError("Years must be between 2000 and 2100.")
        result = load_holidays(years=years, actor=None)
        self.stdout.write(f"Holidays {', '.join(map(str, years))}: {result['created']} created, "
                          f"{result['updated']} updated.")
