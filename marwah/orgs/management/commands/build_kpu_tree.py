from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marwah.orgs.models import Unit, UnitKind
from marwah.orgs.services import build_ad_hoc_units, build_kpu_tree


class Command(BaseCommand):
    help = ("Create KPU RI, every KPU Provinsi and KPU Kabupaten/Kota from the regions; with --adhoc "
            "REGENCY_CODE also the PPK, PPS (and --tps N KPPS per village) under that regency.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--adhoc", nargs="*", default=[], metavar="REGENCY_CODE")
        parser.add_argument("--tps", type=int, default=0)

    def handle(self, *args: Any, adhoc: list[str], tps: int, **options: Any) -> None:
        kpu = build_kpu_tree()
        self.stdout.write(f"KPU units: {Unit.objects.filter(institution=kpu).count()}")
        for code in adhoc:
            regency = Unit.objects.filter(institution=kpu, kind=UnitKind.KPU_REGENCY, code=code).first()
            if regency is None:
                raise CommandError(f"No KPU Kabupaten/Kota with region code {code} (e.g. 33.15).")
            created = build_ad_hoc_units(regency_unit=regency, tps_per_village=tps)
            self.stdout.write(f"{regency.name}: {created} ad hoc units created")
