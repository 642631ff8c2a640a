from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marwah.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup (data file + keys file) into a new, empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("data", help="marwah-<stamp>.tar")
        parser.add_argument("--keys", required=True, help="marwah-<stamp>-keys.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            notes = restore_backup(data_archive=Path(options["data"]), keys_archive=Path(options["keys"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Restored.")
        for name in notes:
            self.stdout.write(f"  {name} in this installation's environment differs from the backup's; the backup's "
                              f"value is in the data folder's keys/{name.lower()}: set {name} (or {name}_FILE) to it.")
