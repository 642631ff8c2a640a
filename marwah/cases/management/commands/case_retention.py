from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marwah.cases.services import purge_expired


class Command(BaseCommand):
    help = "Delete the content of closed cases past their retention period, keeping anonymous statistics."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Purged {purge_expired()} cases.")
