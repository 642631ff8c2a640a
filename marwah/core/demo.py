"""Demo data: real regions and institutions, invented people.

Each app may have a `demo.py` with `seed(ctx: DemoContext)`; they run in
APP_ORDER so later apps can use the people and units made before them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

DEMO_PASSWORD = "marwah-demo-2026"  # noqa: S105 - printed on purpose, demo only
APP_ORDER = [
    "orgs", "people", "accounts", "rules", "onboarding", "worktime", "pledges", "socialisation", "elections", "leave",
    "reporting", "cases", "monitoring",
]

FIRST_M = ["Agus", "Budi", "Darmin", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Kurniawan", "Muhammad", "Nur",
           "Rahmat", "Slamet", "Teguh", "Wahyu", "Yohanes", "Yosef", "Rustam", "Andi", "Bayu", "Dedi", "Gilang"]
FIRST_F = ["Ani", "Dewi", "Endang", "Fitri", "Indah", "Kartika", "Lestari", "Maria", "Mey", "Nanik", "Putri",
           "Ratna", "Rina", "Sari", "Siti", "Tri", "Wulan", "Yuliana", "Marciana", "Kiki", "Aisha", "Novi"]
LAST = ["Santoso", "Wibowo", "Saputra", "Hidayat", "Nugroho", "Pratama", "Lestari", "Kurniasih", "Setiawan",
        "Siregar", "Nainggolan", "Pasaribu", "Tanjung", "Hasim", "Salmon", "Umar", "Jone", "Kase", "Ndun",
        "Bria", "Manafe", "Lakapu", "Rahayu", "Susanti", "Hartono", "Gunawan", "Purnomo", "Wijaya"]


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(2024))
    units: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    employees: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, who, what to try)
    nip_seq: int = 0

    def person_name(self, gender: str) -> str:
        first = self.rng.choice(FIRST_M if gender == "M" else FIRST_F)
        return f"{first} {self.rng.choice(LAST)}"

    def nip(self, gender: str) -> str:
        self.nip_seq += 1
        birth = date(self.rng.randint(1965, 1998), self.rng.randint(1, 12), self.rng.randint(1, 28))
        year = min(birth.year + self.rng.randint(22, 30), 2024)
        return f"{birth:%Y%m%d}{year}{self.rng.randint(1, 12):02d}{1 if gender == 'M' else 2}{self.nip_seq % 1000:03d}"


def seed_all(ctx: DemoContext) -> None:
    for app in APP_ORDER:
        try:
            module = import_module(f"marwah.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name in (f"marwah.{app}.demo", f"marwah.{app}"):
                continue
            raise
        module.seed(ctx)
