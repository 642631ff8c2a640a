"""Recompute the monitoring counters (CaseStat, CaseFact) from the cases and their events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the monitoring summary tables from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        from marwah.monitoring.casestats import rebuild

        result = rebuild()
        self.stdout.write(f"{result['cases']} cases, {result['rows']} counter rows")
