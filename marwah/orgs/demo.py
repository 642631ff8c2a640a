"""Demo organisation: the real KPU tree from Kemendagri regions, and Kemenkumham."""

from __future__ import annotations

from marwah.core.demo import DemoContext
from marwah.orgs.models import Institution, Region, Unit, UnitKind
from marwah.orgs.services import (
    UnitSpec,
    build_ad_hoc_units,
    build_kpu_tree,
    create_units,
    ensure_institution,
    load_regions,
)

# Kemenkumham had 33 regional offices before the 2022 provinces; Kaltara is served from Kaltim.
KANWIL_SKIP = {"65", "93", "94", "95", "96"}


def build_ministry() -> Institution:
    ministry = ensure_institution(code="kemenkumham", name="Kementerian Hukum dan Hak Asasi Manusia",
                                  short_name="Kemenkumham", kind=Institution.Kind.MINISTRY)
    [hq] = create_units(institution=ministry, parent=None, specs=[
        UnitSpec(UnitKind.HQ, "PUSAT", "Kemenkumham — Kantor Pusat")])
    create_units(institution=ministry, parent=hq, specs=[
        UnitSpec(UnitKind.DIVISION, "SETJEN", "Sekretariat Jenderal"),
        UnitSpec(UnitKind.DIVISION, "ITJEN", "Inspektorat Jenderal"),
    ])
    setjen = Unit.objects.get(institution=ministry, code="SETJEN")
    create_units(institution=ministry, parent=setjen, specs=[
        UnitSpec(UnitKind.DIVISION, "SETJEN-KEPEG", "Biro Kepegawaian"),
    ])
    provinces = Region.objects.filter(level=1).exclude(code__in=KANWIL_SKIP).order_by("code")
    create_units(institution=ministry, parent=hq, specs=[
        UnitSpec(UnitKind.REGIONAL_OFFICE, f"KANWIL-{p.code}", f"Kanwil Kemenkumham {p.name}", p.code)
        for p in provinces
    ])
    ntt = Unit.objects.get(institution=ministry, code="KANWIL-53")
    create_units(institution=ministry, parent=ntt, specs=[
        UnitSpec(UnitKind.WORK_UNIT, "53-LAPAS-KUPANG", "Lapas Kelas IIA Kupang", "53.71"),
        UnitSpec(UnitKind.WORK_UNIT, "53-RUTAN-KUPANG", "Rutan Kelas IIB Kupang", "53.71"),
        UnitSpec(UnitKind.WORK_UNIT, "53-IMIGRASI-KUPANG", "Kantor Imigrasi Kelas I TPI Kupang", "53.71"),
    ])
    return ministry


def seed(ctx: DemoContext) -> None:
    load_regions(max_level=4)
    kpu = build_kpu_tree()
    ministry = build_ministry()
    get = lambda inst, code: Unit.objects.get(institution=inst, code=code)  # noqa: E731
    ctx.units.update({
        "kpu_ri": get(kpu, "RI"),
        "kpu_jateng": get(kpu, "33"),
        "kpu_grobogan": get(kpu, "33.15"),
        "kpu_semarang": get(kpu, "33.74"),
        "kpu_malut": get(kpu, "82"),
        "kpu_halsel": get(kpu, "82.04"),
        "kpu_ntt": get(kpu, "53"),
        "kpu_kupang": get(kpu, "53.01"),
        "kpu_jatim": get(kpu, "35"),
        "kpu_surabaya": get(kpu, "35.78"),
        "kum_hq": get(ministry, "PUSAT"),
        "kum_setjen": get(ministry, "SETJEN"),
        "kum_kepeg": get(ministry, "SETJEN-KEPEG"),
        "kum_itjen": get(ministry, "ITJEN"),
        "kum_ntt": get(ministry, "KANWIL-53"),
        "kum_lapas": get(ministry, "53-LAPAS-KUPANG"),
        "kum_imigrasi": get(ministry, "53-IMIGRASI-KUPANG"),
    })
    # Ad hoc bodies (PPK, PPS, one KPPS per village) for one regency in NTT.
    build_ad_hoc_units(regency_unit=ctx.units["kpu_kupang"], tps_per_village=1)
    ctx.units["kpps_demo"] = Unit.objects.filter(
        path__startswith=ctx.units["kpu_kupang"].path, kind=UnitKind.KPPS
    ).order_by("path").first()
