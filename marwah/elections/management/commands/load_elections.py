"""Load elections from data files: the shipped ones, or another in the same format.

    marwah load_elections                       # Pemilu 2024, Pilkada 2024, Pemilu 2029 draft
    marwah load_elections --json pilkada-2029.json --stages pilkada-2029-stages.csv

An election already in the database is left as administrators edited it. The JSON holds
the election (code, name, kind, level, area, source, is_draft) and its participants; the
CSV is the stage file the import page accepts, checked the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from marwah.elections import services
from marwah.elections.importer import check_file
from marwah.elections.models import Election
from marwah.people.importer import ImportFileError


class Command(BaseCommand):
    help = "Load the shipped elections (stages and participants), or one given as JSON + stage CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", help="election and participants (see elections/data/pemilu-2024.json)")
        parser.add_argument("--stages", help="stage file, CSV or XLSX (see elections/data/pemilu-2024-stages.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["json"]:
            for election in services.load_shipped():
                self.stdout.write(f"{election.code}: {election.stages.count()} stages, "
                                  f"{election.participants.count()} participants")
            return
        meta = json.loads(Path(options["json"]).read_text(encoding="utf-8"))
        if Election.objects.filter(code=meta["code"]).exists():
            raise CommandError(f"{meta['code']} is already loaded; edit or re-import it in the app.")
        rows = []
        if options["stages"]:
            path = Path(options["stages"])
            try:
                with path.open("rb") as handle:
                    result = check_file(handle, path.name)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if result.errors:
                raise CommandError("\n".join(result.errors))
            rows = result.rows
        election = services.create_election(actor=None, spec=services.ElectionSpec(
            code=meta["code"], name=meta["name"], kind=meta["kind"], level=meta.get("level", "national"),
            area=meta.get("area", ""), source=meta.get("source", ""), is_draft=bool(meta.get("is_draft"))))
        services.replace_stages(actor=None, election=election, rows=rows)
        services.replace_participants(actor=None, election=election, participants=meta.get("participants", []))
        self.stdout.write(f"{election.code}: {len(rows)} stages, {election.participants.count()} participants")
