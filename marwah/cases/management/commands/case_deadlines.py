from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marwah.cases.services import check_deadlines, purge_expired


class Command(BaseCommand):
    help = ("Remind handlers of near case deadlines, escalate missed ones to the leader, and purge the "
            "content of closed cases past their retention period. Run it periodically (e.g. hourly from cron).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-purge", action="store_true", help="Only deadlines, no retention purge.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_deadlines()
        purged = 0 if options["no_purge"] else purge_expired()
        self.stdout.write(f"Reminded {result['reminded']}, escalated {result['escalated']}, purged {purged}.")
