"""Demo leave (journey 3): KPU Halmahera Selatan's secretariat asks for leave in writing.

Darmin (chair) decides as the authorised official's delegate after the secretary, Rustam, the
staff's direct superior. A few requests (approved with a signed letter, refused, waiting), a
month of attendance, and one person at the written-warning threshold.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from marwah.accounts.models import Role, User
from marwah.accounts.services import assign_role
from marwah.core.demo import DEMO_PASSWORD, DemoContext
from marwah.leave import absence, services
from marwah.leave.attendance import Row
from marwah.leave.models import Request
from marwah.people.models import Employee
from marwah.worktime.services import add_working_days, is_working_day


def _login(ctx: DemoContext, username: str, employee: Employee, who: str, what: str) -> User:
    first, _, last = employee.name.partition(" ")
    user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.marwah.local",
                is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    employee.user, employee.email = user, user.email
    employee.save(update_fields=["user", "email"])
    ctx.users[username] = user
    ctx.logins.append((username, who, what))
    return user


def _next_monday(today: date, weeks: int = 1) -> date:
    return today + timedelta(days=(7 - today.weekday()) + 7 * (weeks - 1))


def _ask(user: User, employee: Employee, code: str, start: date, days: int, reason: str) -> Request:
    end = add_working_days(start, days - 1) if days > 1 else start
    return services.submit_request(actor=user, employee=employee, type_code=code, start=start, end=end,
                                   reason=reason)


def _month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def seed(ctx: DemoContext) -> None:
    if "darmin" not in ctx.users or "kpu_halsel" not in ctx.units:
        return
    unit = ctx.units["kpu_halsel"]
    darmin, rustam_emp = ctx.users["darmin"], ctx.employees["rustam"]
    assign_role(actor=None, user=darmin, role=Role.AUTHORISED_OFFICIAL, unit=unit)
    rustam_emp.superior = ctx.employees["darmin"]
    rustam_emp.save(update_fields=["superior"])
    rustam = _login(ctx, "rustam", rustam_emp, "Secretary, KPU Kabupaten Halmahera Selatan",
                    "approve staff leave as direct superior; absence notice")
    TOTPDevice.objects.create(user=rustam, name="demo", confirmed=True)
    staff = list(Employee.objects.filter(superior=rustam_emp, employment_type__in=["pns", "pppk"]).order_by("pk"))
    if len(staff) < 5:
        return
    nur = staff[1]
    staf = _login(ctx, "staf_halsel", nur, "Staff, KPU Kabupaten Halmahera Selatan", "ask for leave on a phone")
    today = timezone.localdate()
    # Approved with a signed letter: superior then the chair.
    approved = _ask(staf, nur, "annual", _next_monday(today), 3, "Acara keluarga di Ternate.")
    services.decide(actor=rustam, request=approved, action="approve", note="")
    services.decide(actor=darmin, request=approved, action="approve", note="Disetujui. Serahkan pekerjaan.")
    # Refused in writing, with the reason.
    other = staff[2]
    other_user = _login(ctx, "staf_halsel2", other, "Staff, KPU Kabupaten Halmahera Selatan", "")
    refused = _ask(other_user, other, "annual", _next_monday(today, 2), 2, "Liburan.")
    services.decide(actor=rustam, request=refused, action="refuse",
                    note="Tahapan pencalonan Pilkada: seluruh staf teknis wajib hadir. Ajukan setelah tanggal 20.")
    # Waiting: one for the chair (after the superior), one for the superior.
    waiting = _ask(staf, nur, "annual", _next_monday(today, 6), 2, "Mengurus dokumen kependudukan.")
    services.decide(actor=rustam, request=waiting, action="approve", note="")
    services.ensure_permission_types(unit.institution_id)
    _ask(other_user, other, "annual", _next_monday(today, 7), 1, "Keperluan keluarga.")

    # A month of attendance; one person at the written-warning threshold (4 working days).
    first, last = _month(today)
    warned = staff[3]
    rows: list[Row] = []
    people = [rustam_emp, *Employee.objects.filter(superior=rustam_emp).order_by("pk")]
    working = [first + timedelta(days=i) for i in range((last - first).days + 1)
               if is_working_day(first + timedelta(days=i))]
    warned_days = {working[i] for i in (2, 6, 11, 15) if i < len(working)}
    for day in working:
        for index, person in enumerate(people):
            absent = day in warned_days if person.pk == warned.pk else (index % 5 == 4 and day == working[7])
            rows.append((person.pk, day, not absent, None if absent else _time(7, 20 + index % 30),
                         None if absent else _time(16, index % 40)))
    hr = ctx.users.get("hr_kpu")
    absence.apply_import(actor=hr, root=unit, rows=rows, notify=False)


def _time(hour: int, minute: int):  # type: ignore[no-untyped-def]
    from datetime import time

    return time(hour, minute)
