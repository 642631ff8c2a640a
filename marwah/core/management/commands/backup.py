from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marwah.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and stored files; key material goes to a second, separate file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default="backups", help="folder for the two backup files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = make_backup(directory=Path(options["dir"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"data: {files.data}")
        self.stdout.write(f"keys: {files.keys}  (store this file apart from the data file)")
