from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marwah.orgs.services import load_regions


class Command(BaseCommand):
    help = "Load Kemendagri regions up to a level: 1 province, 2 regency/city, 3 district, 4 village."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--level", type=int, default=2, choices=[1, 2, 3, 4])

    def handle(self, *args: Any, level: int, **options: Any) -> None:
        added = load_regions(max_level=level)
        self.stdout.write(self.style.SUCCESS(f"{added} regions added (up to level {level})."))
