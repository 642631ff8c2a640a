from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from marwah.audit.services import verify_chains


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains; name the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken, why = verify_chains()
        if why:
            where = f"entry id={broken.pk} (chain {broken.chain}, seq {broken.seq}, {broken.created_at:%Y-%m-%d %H:%M:%S})" if broken else "chain head"
            raise CommandError(f"Audit chain BROKEN at {where}: {why}. {checked} entries checked.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries checked."))
