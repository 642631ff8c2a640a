"""Demo cases (runs after reporting's demo): Rina's report verified with a question from Mey's
team and a psychologist referral offered; a discipline case in Halmahera Selatan decided with a
sanction (its letter is generated on download); an overdue case for the red deadline badge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from marwah.cases import selectors, services
from marwah.cases.models import Case, Status
from marwah.core.demo import DEMO_PASSWORD, DemoContext


def _staff_request(user: Any) -> Any:
    """A request whose session holds the user's unlocked key, as after a real login."""
    from marwah.reporting import vault

    request = RequestFactory().post("/")
    request.user = user
    request.session = SessionStore()
    vault.try_unlock(request=request, password=DEMO_PASSWORD)
    return request


def _submit(ctx: DemoContext, *, kind: str, unit_key: str, narrative: str, accused: list[Any]) -> Case:
    from marwah.reporting.services import Submission, submit_report
    from marwah.rules.violations import category_of

    unit = ctx.units[unit_key]
    report, _receipt = submit_report(submission=Submission(
        category=category_of(kind) or "", kind=kind, institution=unit.institution, unit=unit,
        narrative=narrative, accused=accused, accused_text=", ".join(e.name for e in accused),
        reporter_source=f"demo:{kind}:{unit_key}"))
    return Case.objects.get(report=report)


def _key_holder(case: Case, requests: dict[str, Any]) -> tuple[Any, Any] | None:
    """A team member (the direct superior first) whose unlocked session opens the report key."""
    from marwah.reporting import vault

    members = case.members.filter(is_active=True).select_related("user").order_by("pk")
    for member in sorted(members, key=lambda m: m.reason != "superior"):
        request = requests.get(member.user.username) or _staff_request(member.user)
        if vault.report_key_for(request, case.report) is not None:
            return member.user, request
    return None


def seed(ctx: DemoContext) -> None:
    users, emps = ctx.users, ctx.employees
    # Handlers get their key pairs first, so report keys are sealed to them.
    requests: dict[str, Any] = {name: _staff_request(users[name]) for name in
                ("mey", "kiki", "ketua_jateng", "satgas_ri", "darmin", "hr_kpu", "etik_kpu", "tim_netral",
                 "kepegawaian", "marciana") if name in users}
    rina_case = (Case.objects.filter(category="sexual_violence", unit=ctx.units["kpu_grobogan"])
                 .order_by("created_at").first())
    if rina_case is None:
        rina_case = _submit(ctx, kind="sv_electronic", unit_key="kpu_grobogan", accused=[emps["bambang"]],
                            narrative="Atasan saya mengirim pesan bernada seksual pada malam hari lewat WhatsApp.")
    mey = users["mey"]
    # Mey and Kiki open the case as they would on its page: audited reads the auditor's check will list.
    selectors.get_case_for_user(mey, rina_case.public_id)
    services.share_with_team(case=rina_case, actor=mey, request=requests["mey"])
    services.change_status(case=rina_case, actor=mey, to=Status.VERIFIED)
    services.assign(case=rina_case, actor=mey, assignee=users["kiki"], request=requests["mey"])
    selectors.get_case_for_user(users["kiki"], rina_case.public_id)
    try:
        from marwah.reporting.services import post_staff_message

        post_staff_message(request=requests["mey"], report=rina_case.report,
                           text="Terima kasih sudah melapor. Apakah pesan-pesan itu masih tersimpan di ponsel Anda?")
    except Exception:  # noqa: BLE001, S110 - the demo still works without the question if the key is locked
        pass
    # Handler-written text is encrypted with the report key, opened from Mey's unlocked session.
    services.add_referral(case=rina_case, actor=mey, kind="psychologist", organisation="UPTD PPA Provinsi Jawa Tengah",
                          referred_on=timezone.localdate(), note="Pendampingan psikolog ditawarkan.",
                          request=requests["mey"])
    services.add_protection(case=rina_case, actor=mey, item="p_identity", provider="Satgas PKS KPU Jawa Tengah",
                            provided_on=timezone.localdate(), request=requests["mey"])

    # Halmahera Selatan: a staff member absent 12 days without written permission, decided.
    from marwah.people.models import Employee

    absent = Employee.objects.filter(superior=emps["rustam"]).order_by("pk").first()
    if absent is not None and "darmin" in users:
        case = _submit(ctx, kind="d_absence", unit_key="kpu_halsel", accused=[absent],
                       narrative="Tidak masuk kerja 12 hari tanpa izin tertulis; izin hanya lewat WhatsApp.")
        handler = _key_holder(case, requests)
        if handler is not None:
            actor, request = handler
            services.change_status(case=case, actor=actor, to=Status.VERIFIED)
            services.change_status(case=case, actor=actor, to=Status.EXAMINATION)
            services.decide(case=case, actor=actor, outcome="proven", sanctions=["pp94_tukin_6"],
                            summary="Pelanggaran terbukti. Sanksi pemotongan tunjangan kinerja 25% selama "
                                    "6 bulan direkomendasikan kepada PPK.", request=request)
    # An older case past its deadline, so the inbox shows a red badge.
    overdue = _submit(ctx, kind="sv_nonphysical", unit_key="kpu_grobogan", accused=[],
                      narrative="Komentar bernada seksual di ruang rapat.")
    Case.objects.filter(pk=overdue.pk).update(stage_due=timezone.localdate() - timedelta(days=3),
                                              created_at=timezone.now() - timedelta(days=10))
    Case.objects.get(pk=overdue.pk).sync_members()
