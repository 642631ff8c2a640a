from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marwah.elections import services
from marwah.elections.importer import StageRow


@pytest.fixture
def running_election(db):
    """An election whose campaign stage runs today (dates relative to today: no timed tests)."""
    today = timezone.localdate()
    election = services.create_election(actor=None, spec=services.ElectionSpec(
        code="pilkada-uji", name="Pilkada Uji", kind="pilkada", level="province", area="Jawa Tengah"))

    def row(line: int, code: str, name: str, start: int, end: int, period: str, points: list) -> StageRow:
        return StageRow(line, code, name, (today + timedelta(days=start)).isoformat(),
                        (today + timedelta(days=end)).isoformat(), period, points, f"watch {name}")

    services.replace_stages(actor=None, election=election, rows=[
        row(2, "pendaftaran", "Pendaftaran", -60, -30, "before", [(3, "5.6")]),
        row(3, "kampanye", "Masa kampanye", -10, 20, "during", [(2, "30.4"), (6, "30.4"), (4, "23.5"), (7, "22.4")]),
        row(4, "pemungutan", "Pemungutan suara", 24, 24, "during", [(10, "3.6")]),
        row(5, "rekapitulasi", "Rekapitulasi", 25, 40, "after", [(10, "3.6")]),
    ])
    services.replace_participants(actor=None, election=election, participants=[
        {"kind": "pair", "number": "1", "name": "Budi Santoso – Sri Wahyuni", "aliases": ["Budi-Sri", "BUSRI"],
         "hashtags": ["#BusriJateng"], "slogans": ["Jateng Bersinar"]},
        {"kind": "pair", "number": "2", "name": "Agus Salim – Dewi Lestari", "aliases": ["Agus-Dewi"]},
    ])
    return election
