"""Demo invitations: a few people waiting to activate their account, one with a known code."""

from __future__ import annotations

from marwah.accounts.models import Role
from marwah.core.demo import DemoContext
from marwah.onboarding import services
from marwah.onboarding.models import Invitation
from marwah.people.models import Employee, EmploymentType

DEMO_CODE = "AKTIF-KPPS7"  # demo only: printed by seed_demo so the activation journey can be tried


def seed(ctx: DemoContext) -> None:
    admin = ctx.users.get("admin")
    if admin is None:
        return
    grobogan = ctx.units["kpu_grobogan"]
    waiting = list(Employee.objects.filter(unit=grobogan, user__isnull=True, employment_type=EmploymentType.PNS)
                   .order_by("pk")[:3])
    for n, employee in enumerate(waiting):
        employee.email = f"pegawai{employee.pk}@demo.marwah.local"
        employee.save(update_fields=["email"])
        if n == 0:  # an administrator gave this NIP the Satgas role before the person had an account
            services.invite(actor=admin, employee=employee, role=Role.SATGAS_PKS, role_unit=ctx.units["kpu_jateng"])
        else:
            services.invite(actor=admin, employee=employee)
    officers = list(Employee.objects.filter(unit_path__startswith=ctx.units["kpu_kupang"].path, user__isnull=True,
                                            employment_type=EmploymentType.AD_HOC).order_by("pk")[:2])
    for n, officer in enumerate(officers):
        issued = services.invite(actor=admin, employee=officer, force_code=True)
        if n == 0:
            Invitation.objects.filter(pk=issued.invitation.pk).update(secret_hash=services.code_hash(DEMO_CODE))
            ctx.logins.append((f"/undangan/ {DEMO_CODE}", f"{officer.name}, ad hoc officer without email",
                               "activate an account with an activation code"))
