"""Demo accounts: one login per journey in ../shared/domain/journeys.md."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, User
from marwah.accounts.services import assign_role
from marwah.core.demo import DEMO_PASSWORD, DemoContext
from marwah.people.models import Employee, EmploymentType


def _user(ctx: DemoContext, username: str, employee: Employee, who: str, what: str) -> User:
    first, _, last = employee.name.partition(" ")
    user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.marwah.local",
                is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    employee.user = user
    employee.email = user.email
    employee.save(update_fields=["user", "email"])
    ctx.users[username] = user
    ctx.logins.append((username, who, what))
    return user


def _staff(ctx: DemoContext, key: str, name: str, gender: str, position: str) -> Employee:
    unit = ctx.units[key]
    return Employee.objects.create(
        institution=unit.institution, unit=unit, unit_path=unit.path, nip=ctx.nip(gender), name=name,
        gender=gender, position=position, employment_type=EmploymentType.PNS,
    )


def seed(ctx: DemoContext) -> None:
    u, e = ctx.units, ctx.employees
    mey = Employee.objects.create(
        institution=u["kpu_jateng"].institution, unit=u["kpu_jateng"], unit_path=u["kpu_jateng"].path,
        name="Mey Nurlela", gender="F", position="Anggota, Kadiv SDM dan Litbang",
        employment_type=EmploymentType.COMMISSIONER,
    )
    people = [
        ("admin", _staff(ctx, "kpu_ri", "Andi Pratama", "M", "Pranata Komputer Ahli Madya"),
         "Administrator, KPU RI", "import people, assign roles", [(Role.ADMIN, "kpu_ri", False)]),
        ("admin_kum", _staff(ctx, "kum_setjen", "Dedi Setiawan", "M", "Pranata Komputer"),
         "Administrator, Kemenkumham", "assign roles, load holidays", [(Role.ADMIN, "kum_hq", False)]),
        ("mey", mey, "Satgas PKS chair, KPU Provinsi Jawa Tengah", "handle sexual-violence reports",
         [(Role.SATGAS_PKS, "kpu_jateng", True)]),
        ("kiki", _staff(ctx, "kpu_jateng", "Kiki Rizka Ningsih", "F", "Kabag Parmas dan SDM"),
         "Satgas PKS member, KPU Provinsi Jawa Tengah", "", [(Role.SATGAS_PKS, "kpu_jateng", False)]),
        ("satgas_ri", _staff(ctx, "kpu_ri", "Betty Kurniasih", "F", "Analis SDM Aparatur"),
         "Satgas PKS member, KPU RI", "", [(Role.SATGAS_PKS, "kpu_ri", True)]),
        ("ketua_jateng", _staff(ctx, "kpu_jateng", "Basmar Perianto Amron", "M", "Anggota KPU Provinsi"),
         "Leader, KPU Provinsi Jawa Tengah", "coverage of the province", [(Role.UNIT_LEADER, "kpu_jateng", False)]),
        ("darmin", e["darmin"], "Chair, KPU Kabupaten Halmahera Selatan", "launch the integrity pact",
         [(Role.UNIT_LEADER, "kpu_halsel", False)]),
        ("hr_kpu", _staff(ctx, "kpu_ri", "Sari Rahayu", "F", "Kepala Biro SDM"),
         "HR (Biro SDM), KPU RI", "people and monitoring", [(Role.HR, "kpu_ri", False)]),
        ("etik_kpu", _staff(ctx, "kpu_ri", "Imam Hidayat", "M", "Analis Hukum"),
         "Ethics handler, KPU RI", "organizer ethics reports", [(Role.ETHICS, "kpu_ri", False)]),
        ("rina", e["rina"], "Employee, KPU Kabupaten Grobogan", "sign the pact; report (or report anonymously)",
         []),
        ("kpps", e["kpps_officer"], "KPPS officer, Kabupaten Kupang", "sign the pledge on a phone", []),
        ("marciana", e["marciana"], "Head, Kanwil Kemenkumham NTT", "ceremony and coverage",
         [(Role.UNIT_LEADER, "kum_ntt", False)]),
        ("tim_netral", _staff(ctx, "kum_hq", "Teguh Nugroho", "M", "Analis Kepegawaian"),
         "Internal neutrality team, Kemenkumham", "log a neutrality lead",
         [(Role.NEUTRALITY_TEAM, "kum_hq", True)]),
        ("kepegawaian", e["kepeg_head"], "Biro Kepegawaian, Kemenkumham", "quarterly monitoring report",
         [(Role.HR, "kum_hq", False)]),
        # Identity custodians (issue 7): a handler sees who reported only after one of them approves.
        ("kustodian_kpu", _staff(ctx, "kpu_ri", "Wahyu Setiadi", "M", "Kepala Biro Hukum"),
         "Identity custodian, KPU (KPU RI and every province)", "approve a handler's request to see a reporter",
         [(Role.IDENTITY_CUSTODIAN, "kpu_ri", False)]),
        ("kustodian_kum", _staff(ctx, "kum_hq", "Lestari Handayani", "F", "Inspektur"),
         "Identity custodian, Kemenkumham", "approve a handler's request to see a reporter",
         [(Role.IDENTITY_CUSTODIAN, "kum_hq", False)]),
        # The level above one-person teams (ethics at KPU RI, neutrality at Kemenkumham): they hold
        # every report key of those teams too, so no report depends on one person.
        ("ketua_kpu", _staff(ctx, "kpu_ri", "Hasyim Mulyadi", "M", "Sekretaris Jenderal"),
         "Leader, KPU RI", "re-share a report when a handler lost their key", [(Role.UNIT_LEADER, "kpu_ri", False)]),
        ("sekjen_kum", _staff(ctx, "kum_hq", "Nugroho Wibisono", "M", "Sekretaris Jenderal"),
         "Leader, Kemenkumham headquarters", "re-share a report when a handler lost their key",
         [(Role.UNIT_LEADER, "kum_hq", False)]),
        ("auditor", _staff(ctx, "kum_itjen", "Ratna Susanti", "F", "Auditor Madya"),
         "Auditor (Inspektorat), KPU and Kemenkumham", "verify the audit chain",
         [(Role.AUDITOR, "kum_hq", False), (Role.AUDITOR, "kpu_ri", False)]),
    ]
    for username, employee, who, what, roles in people:
        user = _user(ctx, username, employee, who, what)
        for role, unit_key, chair in roles:
            assign_role(actor=None, user=user, role=role, unit=u[unit_key], is_chair=chair)
        if roles:
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    e["mey"] = mey
