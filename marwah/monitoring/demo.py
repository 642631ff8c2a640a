"""Demo monitoring (runs last): a year of reports and cases spread over the last four quarters in
KPU and Kemenkumham units, so the dashboard has figures and comparisons; Kanwil NTT (`marciana`)
has sent its report for last quarter; the Biro Kepegawaian (`kepegawaian`) has its ministry-wide
report for last quarter made and ready to download."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from marwah.core.demo import DemoContext
from marwah.monitoring import casestats, periods, services
from marwah.orgs.models import Unit

# (kind, weight): a plausible mix; sexual violence stays rare so small counts read "< 5".
MIX = [("d_absence", 8), ("d_other", 4), ("n_social_campaign", 5), ("n_social_interaction", 5), ("n_banner", 2),
       ("n_attend_campaign", 2), ("e_gift", 3), ("e_partisan_statement", 2), ("l_internal_data", 1),
       ("sv_nonphysical", 2), ("sv_electronic", 1)]
SANCTIONS = {"d": ["pp94_tukin_6", "pp94_written_reprimand"], "n": ["moral_open"], "e": ["dkpp_warning"],
             "l": ["pp94_written_reprimand"],
             "s": ["pp94_tukin_6"]}


def _submit(kind: str, unit: Unit) -> Any:
    from marwah.cases.models import Case
    from marwah.reporting import crypto
    from marwah.reporting.models import Report
    from marwah.reporting.signals import report_submitted
    from marwah.rules.violations import category_of

    with transaction.atomic():
        report = Report.objects.create(category=category_of(kind) or "", kind=kind, institution=unit.institution,
                                       unit=unit, unit_path=unit.path, is_anonymous=True)
        report_submitted.send(sender=Report, report=report, report_key=crypto.new_key(), accused_employee_ids=[],
                              involved_employee_ids=[])
    return Case.objects.get(report=report)


def _history(ctx: DemoContext, case: Any, opened: Any) -> None:
    """Walk the case through its steps on back-dated days (statistics only; no text)."""
    from marwah.cases.models import Case, CaseEvent, Decision
    from marwah.rules.sanctions import SANCTIONS as CATALOG

    rng, today = ctx.rng, timezone.now()
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    CaseEvent.objects.filter(case=case).update(at=opened)
    type(case.report).objects.filter(pk=case.report_id).update(submitted_at=opened)
    at, status = opened, "received"
    plan = ["verified", "examination", "decision", "follow_up", "closed"]
    if rng.random() < 0.12:
        plan = ["rejected"]
    for nxt in plan:
        gap = {"verified": rng.randint(1, 12), "rejected": rng.randint(2, 9), "examination": rng.randint(2, 10),
               "decision": rng.randint(10, 45), "follow_up": rng.randint(2, 10), "closed": rng.randint(5, 30)}[nxt]
        if at + timedelta(days=gap) > today or rng.random() < 0.12:
            break
        at += timedelta(days=gap)
        if nxt == "decision":
            codes = [c for c in SANCTIONS[case.kind[0]] if c in CATALOG] or ["rehabilitation"]
            Decision.objects.create(case=case, outcome="proven", sanctions=codes, letter_number=f"DEMO/{case.pk}")
            Decision.objects.filter(case=case).update(decided_at=at)
        event = CaseEvent.objects.create(case=case, kind="decision" if nxt == "decision" else "status", status=nxt)
        CaseEvent.objects.filter(pk=event.pk).update(at=at)
        status = nxt
    due = (at + timedelta(days=rng.randint(5, 20))).date()
    closed = status in ("rejected", "closed")
    Case.objects.filter(pk=case.pk).update(status=status, stage_due=None if closed else due,
                                           closed_at=at if closed else None)
    Case.objects.get(pk=case.pk).sync_members()
    if not closed and due < timezone.localdate():
        event = CaseEvent.objects.create(case=case, kind="overdue", status=status)
        CaseEvent.objects.filter(pk=event.pk).update(at=at + timedelta(days=(due - at.date()).days + 1))


def _units(ctx: DemoContext) -> list[tuple[Unit, int]]:
    u = ctx.units
    out = [(u[k], n) for k, n in [("kpu_grobogan", 16), ("kpu_semarang", 10), ("kpu_halsel", 8), ("kpu_kupang", 9),
                                  ("kpu_surabaya", 12), ("kpu_jateng", 5), ("kpu_ri", 4), ("kum_ntt", 7),
                                  ("kum_lapas", 9), ("kum_imigrasi", 6), ("kum_hq", 5)] if k in u]
    others = Unit.objects.filter(institution=u["kum_hq"].institution, code__in=["KANWIL-31", "KANWIL-33", "KANWIL-35",
                                                                                  "KANWIL-51", "KANWIL-73"])
    return out + [(unit, 6) for unit in others]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    kinds = [k for k, w in MIX for _ in range(w)]
    for unit, count in _units(ctx):
        for _ in range(count):
            case = _submit(rng.choice(kinds), unit)
            _history(ctx, case, now - timedelta(days=rng.randint(1, 390), hours=rng.randint(0, 8)))
    # The counters were kept as the cases were made; the back-dated history needs a replay.
    casestats.rebuild()
    users = ctx.users
    last = periods.last_quarter(timezone.localdate())
    if "marciana" in users:
        report = services.start_report(actor=users["marciana"], unit=ctx.units["kum_ntt"], period=last)
        services.write_text(
            actor=users["marciana"], report=report,
            evaluation="Internalisasi netralitas dilakukan pada apel pagi setiap Senin di seluruh satuan kerja. "
                       "Pelanggaran yang menonjol adalah interaksi di media sosial menjelang pemungutan suara.",
            follow_up="Sosialisasi ulang di Lapas dan Rutan Kupang pada bulan pertama triwulan berikutnya; "
                      "Tim Internal memantau grup media sosial pegawai setiap pekan.")
        services.build(report_id=report.pk)
        report.refresh_from_db()
        services.send(actor=users["marciana"], report=report)
    if "kepegawaian" in users:
        report = services.start_report(actor=users["kepegawaian"], unit=ctx.units["kum_hq"], period=last,
                                       consolidated=True)
        services.write_text(
            actor=users["kepegawaian"], report=report,
            evaluation="Seluruh Kanwil telah menjalankan internalisasi dan sosialisasi netralitas. Laporan "
                       "pelanggaran netralitas meningkat pada masa kampanye dan seluruhnya ditangani Tim Internal.",
            follow_up="Biro Kepegawaian meminta Kanwil yang belum mengirim laporan untuk melengkapinya dan "
                      "menyampaikan rekapitulasi kepada Sekretaris Jenderal.")
        services.build(report_id=report.pk)
