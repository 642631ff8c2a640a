"""Writes to the organisation tree, and loading real Kemendagri regions."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction

from marwah.audit import services as audit
from marwah.core import memo
from marwah.orgs.models import Institution, Region, Unit, UnitKind, encode_segment

PAPUA_2022 = Path(__file__).parent / "data" / "papua_2022.csv"

_KEEP_UPPER = {"DKI", "DI", "II", "III", "IV"}


def pretty_region_name(raw: str) -> str:
    """'KAB. GROBOGAN' -> 'Kabupaten Grobogan'; 'DKI JAKARTA' -> 'DKI Jakarta'."""
    name = raw.strip()
    upper = name.upper()
    if upper.startswith("KAB. ") or upper.startswith("KAB "):
        name = "Kabupaten " + name.split(" ", 1)[1]
    words = []
    for word in name.split():
        words.append(word if word.upper() in _KEEP_UPPER else word.capitalize())
    return " ".join(words)


def _region_rows() -> Iterator[tuple[str, str]]:
    source = resources.files("wilayah_indonesia").joinpath("csv/base.csv")
    with source.open("r", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[0]:
                yield row[0].strip(), row[1].strip()


def _papua_remap() -> tuple[dict[str, str], dict[str, str]]:
    remap: dict[str, str] = {}
    provinces: dict[str, str] = {}
    lines = [line for line in PAPUA_2022.read_text().splitlines() if line and not line.startswith("#")]
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        remap[row["old_code"]] = row["new_code"]
        provinces[row["new_province_code"]] = row["new_province_name"]
    return remap, provinces


def _remap_code(code: str, remap: dict[str, str]) -> str:
    prefix = code[:5]
    if prefix in remap:
        return remap[prefix] + code[5:]
    return code


def region_records(max_level: int = 2) -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent) for every region up to `max_level`, 2022 Papua split applied."""
    remap, new_provinces = _papua_remap()
    lengths = {1: 2, 2: 5, 3: 8, 4: 13}
    wanted = {length: level for level, length in lengths.items() if level <= max_level}
    records: list[tuple[str, str, int, str | None]] = []
    for code, name in new_provinces.items():
        records.append((code, name, 1, None))
    for raw_code, name in _region_rows():
        level = wanted.get(len(raw_code))
        if level is None:
            continue
        code = _remap_code(raw_code, remap)
        parent = None if level == 1 else code.rsplit(".", 1)[0]
        records.append((code, name, level, parent))
    records.sort(key=lambda r: (r[2], r[0]))
    return records


@transaction.atomic
def load_regions(*, max_level: int = 2, actor: Any = None) -> int:
    """Insert or refresh regions up to `max_level` (1 province … 4 village). Idempotent."""
    existing = set(Region.objects.filter(level__lte=max_level).values_list("code", flat=True))
    batch = []
    for code, name, level, parent in region_records(max_level):
        if code in existing:
            continue
        batch.append(Region(code=code, name=pretty_region_name(name), level=level, parent_id=parent))
    # Parents first: records are sorted by level, and bulk_create keeps order.
    Region.objects.bulk_create(batch, batch_size=5000)
    audit.record(actor=actor, action="regions.load", detail={"max_level": max_level, "added": len(batch)})
    return len(batch)


@dataclass(frozen=True)
class UnitSpec:
    kind: str
    code: str
    name: str
    region_id: str | None = None


def _finish_paths(units: list[Unit], parent: Unit | None) -> None:
    for unit in units:
        unit.path = (parent.path if parent else "") + encode_segment(unit.pk)
        unit.depth = (parent.depth + 1) if parent else 0
    Unit.objects.bulk_update(units, ["path", "depth"], batch_size=5000)


def create_units(*, institution: Institution, parent: Unit | None, specs: Iterable[UnitSpec]) -> list[Unit]:
    """Create many children of one parent; two statements per batch, not two per unit."""
    with transaction.atomic():
        units = [
            Unit(
                institution=institution,
                parent=parent,
                path=f"tmp-{uuid.uuid4().hex}",
                kind=spec.kind,
                code=spec.code,
                name=spec.name,
                region_id=spec.region_id,
            )
            for spec in specs
        ]
        Unit.objects.bulk_create(units, batch_size=5000)
        _finish_paths(units, parent)
        memo.bump()  # bulk writes send no signal; a unit asked for before it existed is remembered as absent
    return units


def create_unit(
    *, institution: Institution, parent: Unit | None, kind: str, code: str, name: str,
    region_id: str | None = None, actor: Any = None,
) -> Unit:
    with transaction.atomic():
        [unit] = create_units(
            institution=institution, parent=parent, specs=[UnitSpec(kind, code, name, region_id)]
        )
        audit.record(actor=actor, action="unit.create", target=unit, unit=unit, detail={"code": code})
    return unit


def ensure_institution(*, code: str, name: str, short_name: str, kind: str) -> Institution:
    institution, _ = Institution.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short_name, "kind": kind}
    )
    return institution


@transaction.atomic
def build_kpu_tree(*, actor: Any = None) -> Institution:
    """KPU RI, a KPU Provinsi per province and a KPU Kabupaten/Kota per regency, from the regions."""
    if not Region.objects.filter(level=2).exists():
        load_regions(max_level=2, actor=actor)
    kpu = ensure_institution(
        code="kpu", name="Komisi Pemilihan Umum", short_name="KPU", kind=Institution.Kind.ELECTION_COMMISSION
    )
    root = Unit.objects.filter(institution=kpu, parent=None).first()
    if root is None:
        root = create_unit(institution=kpu, parent=None, kind=UnitKind.KPU_RI, code="RI", name="KPU RI",
                           actor=actor)
    have = set(Unit.objects.filter(institution=kpu).values_list("code", flat=True))
    provinces = list(Region.objects.filter(level=1).order_by("code"))
    new_provinces = create_units(
        institution=kpu,
        parent=root,
        specs=[
            UnitSpec(UnitKind.KPU_PROVINCE, p.code, f"KPU Provinsi {p.name}", p.code)
            for p in provinces
            if p.code not in have
        ],
    )
    by_code = {u.code: u for u in Unit.objects.filter(institution=kpu, kind=UnitKind.KPU_PROVINCE)}
    regencies = Region.objects.filter(level=2).order_by("code")
    grouped: dict[str, list[UnitSpec]] = {}
    for r in regencies:
        if r.code in have:
            continue
        grouped.setdefault(r.parent_id or "", []).append(
            UnitSpec(UnitKind.KPU_REGENCY, r.code, f"KPU {r.name}", r.code)
        )
    for province_code, specs in grouped.items():
        create_units(institution=kpu, parent=by_code[province_code], specs=specs)
    audit.record(actor=actor, action="orgs.build_kpu_tree", detail={"new_provinces": len(new_provinces)})
    return kpu


@transaction.atomic
def build_ad_hoc_units(*, regency_unit: Unit, actor: Any = None, tps_per_village: int = 0) -> int:
    """PPK per district and PPS per village under one KPU Kabupaten/Kota (on demand)."""
    if not regency_unit.region_id:
        return 0
    if not Region.objects.filter(parent_id=regency_unit.region_id).exists():
        load_regions(max_level=4, actor=actor)
    created = 0
    districts = list(Region.objects.filter(parent_id=regency_unit.region_id).order_by("code"))
    have = set(Unit.objects.filter(parent=regency_unit).values_list("code", flat=True))
    ppk_units = create_units(
        institution=regency_unit.institution,
        parent=regency_unit,
        specs=[UnitSpec(UnitKind.PPK, d.code, f"PPK {d.name}", d.code) for d in districts if d.code not in have],
    )
    created += len(ppk_units)
    for ppk in ppk_units:
        villages = Region.objects.filter(parent_id=ppk.region_id).order_by("code")
        pps_units = create_units(
            institution=ppk.institution,
            parent=ppk,
            specs=[UnitSpec(UnitKind.PPS, v.code, f"PPS {v.name}", v.code) for v in villages],
        )
        created += len(pps_units)
        for pps in pps_units:
            if tps_per_village:
                created += len(create_units(
                    institution=pps.institution,
                    parent=pps,
                    specs=[
                        UnitSpec(UnitKind.KPPS, f"{pps.code}.TPS{n:03d}", f"KPPS TPS {n:03d} {pps.name[4:]}")
                        for n in range(1, tps_per_village + 1)
                    ],
                ))
    audit.record(actor=actor, action="orgs.build_ad_hoc", target=regency_unit, unit=regency_unit,
                 detail={"created": created})
    return created
