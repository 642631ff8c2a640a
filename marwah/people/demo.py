"""Demo people: a few hundred employees across real units, with superiors."""

from __future__ import annotations

from marwah.core.demo import DemoContext
from marwah.orgs.models import Unit, UnitKind
from marwah.people.models import Employee, EmploymentType

POSITIONS = ["Kepala Subbagian Umum", "Analis SDM Aparatur", "Pengelola Keuangan", "Penata Kelola Pemilu",
             "Arsiparis", "Pranata Komputer", "Staf Teknis", "Staf Hukum", "Bendahara", "Pengadministrasi Umum"]


def _add(ctx: DemoContext, unit: Unit, *, name: str | None = None, gender: str | None = None,
         position: str = "", etype: str = EmploymentType.PNS, superior: Employee | None = None) -> Employee:
    gender = gender or ctx.rng.choice("MF")
    nip = ctx.nip(gender) if etype in (EmploymentType.PNS, EmploymentType.PPPK) else None
    number = None if nip else f"AH-{unit.code}-{ctx.nip_seq:05d}"
    if not nip:
        ctx.nip_seq += 1
    return Employee.objects.create(
        institution=unit.institution, unit=unit, unit_path=unit.path, nip=nip, employee_number=number,
        name=name or ctx.person_name(gender), gender=gender, position=position or ctx.rng.choice(POSITIONS),
        employment_type=etype, superior=superior,
    )


def _office(ctx: DemoContext, unit: Unit, head_title: str, staff: int, commissioners: int = 0,
            head_name: str | None = None) -> Employee:
    head = _add(ctx, unit, name=head_name, position=head_title)
    for _ in range(commissioners):
        _add(ctx, unit, position="Anggota", etype=EmploymentType.COMMISSIONER)
    for _ in range(staff):
        _add(ctx, unit, superior=head, etype=ctx.rng.choice([EmploymentType.PNS] * 4 + [EmploymentType.PPPK,
                                                                                        EmploymentType.NON_ASN]))
    return head


def seed(ctx: DemoContext) -> None:
    u = ctx.units
    e = ctx.employees
    _office(ctx, u["kpu_ri"], "Sekretaris Jenderal", 20, commissioners=7)
    e["sekretaris_jateng"] = _office(ctx, u["kpu_jateng"], "Sekretaris KPU Provinsi", 18, commissioners=6,
                                      head_name="Tri Tujiana")
    # Grobogan: Rina's superior (Bambang) reports to the secretary (Heru), in the same office.
    heru = _add(ctx, u["kpu_grobogan"], name="Heru Santoso", gender="M", position="Sekretaris KPU Kabupaten")
    bambang = _add(ctx, u["kpu_grobogan"], name="Bambang Wibowo", gender="M",
                   position="Kepala Subbagian Teknis dan Hukum", superior=heru)
    e.update(heru=heru, bambang=bambang)
    e["rina"] = _add(ctx, u["kpu_grobogan"], name="Rina Lestari", gender="F", position="Staf Teknis",
                     superior=bambang)
    for _ in range(12):
        _add(ctx, u["kpu_grobogan"], superior=bambang)
    for _ in range(5):
        _add(ctx, u["kpu_grobogan"], position="Anggota", etype=EmploymentType.COMMISSIONER)
    e["darmin"] = _add(ctx, u["kpu_halsel"], name="Darmin Hi Hasim", gender="M", position="Ketua",
                       etype=EmploymentType.COMMISSIONER)
    e["rustam"] = _add(ctx, u["kpu_halsel"], name="Rustam Salmon", gender="M", position="Sekretaris KPU Kabupaten")
    for _ in range(14):
        _add(ctx, u["kpu_halsel"], superior=e["rustam"])
    for key in ("kpu_semarang", "kpu_surabaya", "kpu_ntt", "kpu_kupang", "kpu_malut", "kpu_jatim"):
        _office(ctx, u[key], "Sekretaris", 10, commissioners=5)
    # Ad hoc officers in one NTT regency: PPK 5, PPS 3, KPPS 7 each, for the first few units.
    adhoc = Unit.objects.filter(path__startswith=u["kpu_kupang"].path,
                                kind__in=[UnitKind.PPK, UnitKind.PPS, UnitKind.KPPS]).order_by("path")[:40]
    size: dict[str, int] = {UnitKind.PPK: 5, UnitKind.PPS: 3, UnitKind.KPPS: 7}
    for unit in adhoc:
        for _ in range(size[unit.kind]):
            _add(ctx, unit, position=f"Anggota {unit.get_kind_display()}", etype=EmploymentType.AD_HOC)
    e["kpps_officer"] = _add(ctx, u["kpps_demo"], name="Yuliana Bria", gender="F", position="Ketua KPPS",
                             etype=EmploymentType.AD_HOC)
    # Kemenkumham
    _office(ctx, u["kum_hq"], "Sekretaris Jenderal", 10)
    e["kepeg_head"] = _office(ctx, u["kum_kepeg"], "Kepala Biro Kepegawaian", 8)
    _office(ctx, u["kum_itjen"], "Inspektur", 6)
    e["marciana"] = _add(ctx, u["kum_ntt"], name="Marciana Dominika Jone", gender="F",
                         position="Kepala Kantor Wilayah")
    for _ in range(25):
        _add(ctx, u["kum_ntt"], superior=e["marciana"])
    for key in ("kum_lapas", "kum_imigrasi"):
        _office(ctx, u[key], "Kepala", 12)
