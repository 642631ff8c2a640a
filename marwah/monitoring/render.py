"""The periodic report's frozen snapshot, its PDF (WeasyPrint, signed with the institution key as
pledge documents are) and its XLSX (one sheet per table), and the analysts' CSV export.
Everything is rendered from published (suppressed) figures only."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marwah.core.figures import Period
from marwah.monitoring import periods, selectors
from marwah.monitoring.models import PeriodicReport
from marwah.monitoring.suppression import threshold

# Seed 004's strategy (Kemenkumham, November 2023); every report has one section per point.
STRATEGY = {
    1: gettext_lazy("Internalisation at the morning and afternoon roll-calls of every work unit"),
    2: gettext_lazy("Socialisation of employee neutrality through print and social media"),
    3: gettext_lazy("An internal team supervising employee neutrality"),
    4: gettext_lazy("Vulnerable points for neutrality violations at each election stage"),
    5: gettext_lazy("Supervision of employees before, during and after the elections"),
    6: gettext_lazy("Enforcement of the code of ethics and civil-service discipline"),
    7: gettext_lazy("Monitoring and evaluation of employee neutrality"),
    8: gettext_lazy("Reporting the results to the Secretary General through the Biro Kepegawaian"),
}


def _num(v: Any) -> Any:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def snapshot(report: PeriodicReport) -> dict[str, Any]:
    """The published figures of the report, as they will stay once it is sent."""
    period = periods.from_report(report.period_kind, report.period_start, report.period_end)
    viewer = report.created_by
    shown = selectors.published_sections(viewer, report.unit, period) if viewer else []
    sections = []
    for s in shown:
        sections.append({
            "key": s.section.key, "title": str(s.section.title), "point": s.section.strategy_point,
            "figures": [{"key": f.figure.key, "label": str(f.figure.label), "value": f.value,
                         "previous": f.previous, "raw": None if f.value.startswith("<") else _num(f.figure.value)}
                        for f in s.figures],
            "tables": [{"key": pub.key, "title": str(pub.table.title), "columns": [str(c) for c in pub.table.columns],
                        "note": str(pub.table.note), "svg": svg,
                        "rows": [[c.text for c in row] for row in pub.rows],
                        "values": [[None if c.suppressed else (_num(c.value) if i else c.text)
                                    for i, c in enumerate(row)] for row in pub.rows]}
                       for pub, svg in s.tables],
        })
    children = []
    for child in selectors.submissions(report.unit, period):
        r = child.report
        children.append({"unit": child.unit.name, "status": str(r.get_status_display()) if r else str(_("Not sent")),
                         "version": r.version if r else None,
                         "sent_at": timezone.localtime(r.sent_at).strftime("%d/%m/%Y") if r and r.sent_at else "",
                         "evaluation": r.evaluation if r and report.consolidated else "",
                         "follow_up": r.follow_up if r and report.consolidated else ""})
    return {
        "unit": report.unit.name, "institution": report.unit.institution.name,
        "parent": report.unit.parent.name if report.unit.parent else _("Secretary General"),
        "period": periods.label(period), "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(), "previous": periods.label(period.previous()),
        "version": report.version, "consolidated": report.consolidated, "threshold": threshold(),
        "made_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "made_by": viewer.display_name if viewer else "",
        "evaluation": report.evaluation, "follow_up": report.follow_up,
        "sections": sections, "children": children,
    }


def points(snap: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"number": n, "title": str(title), "sections": [s for s in snap["sections"] if s["point"] == n]}
            for n, title in STRATEGY.items()]


def html(snap: dict[str, Any]) -> str:
    return render_to_string("monitoring/report_pdf.html", {"s": snap, "points": points(snap)})


def pdf(report: PeriodicReport, snap: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    from marwah.pledges.pdf import sign_pdf

    css = Path(__file__).parent / "static" / "monitoring" / "report.css"
    with translation.override(translation.get_language() or "id"):
        doc = HTML(string=html(snap)).write_pdf(stylesheets=[CSS(filename=str(css))])
    return sign_pdf(doc, reason=_("Monitoring and evaluation report"), location=report.unit.name[:60])


def _sheet_name(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]}~{n}", n + 1
    used.add(name)
    return name


def xlsx(report: PeriodicReport, snap: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    bold = Font(bold=True)
    ws.append([_("Monitoring and evaluation report")])
    ws["A1"].font = bold
    for label, value in ((_("Unit"), snap["unit"]), (_("Institution"), snap["institution"]),
                         (_("Period"), snap["period"]), (_("From"), snap["start"]), (_("To"), snap["end"]),
                         (_("Version"), snap["version"]), (_("Made"), snap["made_at"]),
                         (_("Small counts shown as"), f"< {snap['threshold']}")):
        ws.append([str(label), value])
    ws.append([])
    ws.append([_("Figure"), _("Key"), _("This period"), _("Previous period")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for section in snap["sections"]:
        for f in section["figures"]:
            ws.append([f["label"], f["key"], f["raw"] if f["raw"] is not None else f["value"], f["previous"]])
    ws.append([])
    ws.append([_("Evaluation"), snap["evaluation"]])
    ws.append([_("Follow-up plan"), snap["follow_up"]])
    used = {ws.title}
    for section in snap["sections"]:
        for table in section["tables"]:
            sheet = wb.create_sheet(_sheet_name(table["key"], used))
            sheet.append([table["title"]])
            sheet["A1"].font = bold
            sheet.append(table["columns"])
            for cell in sheet[2]:
                cell.font = bold
            for texts, values in zip(table["rows"], table["values"], strict=True):
                sheet.append([v if v is not None else t for t, v in zip(texts, values, strict=True)])
    if snap["children"]:
        sheet = wb.create_sheet(_sheet_name("submissions", used))
        sheet.append([_("Unit"), _("Status"), _("Version"), _("Sent on"), _("Evaluation"), _("Follow-up plan")])
        for c in snap["children"]:
            sheet.append([c["unit"], c["status"], c["version"], c["sent_at"], c["evaluation"], c["follow_up"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_export(*, user: Any, unit: Any, period: Period) -> str:
    """Statistics for analysts: one row per case reported in the period with its non-sensitive
    columns (category, kind, unit, month, status, deadlines), except sexual violence, which is
    given only as counts per unit under the same primary and secondary suppression."""
    from marwah.core.figures import Table
    from marwah.monitoring.access import visible_categories
    from marwah.monitoring.models import CaseFact
    from marwah.monitoring.suppression import publish_table
    from marwah.orgs.models import Unit
    from marwah.rules.violations import SEXUAL_VIOLENCE

    cats = visible_categories(user, unit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "unit_code", "unit", "category", "kind", "reported_month", "status", "verified_month",
                     "decided_month", "open_past_deadline", "deadlines_missed", "count"])
    facts = CaseFact.objects.filter(unit_path__startswith=unit.path, reported_on__gte=period.start,
                                    reported_on__lte=period.end, category__in=cats).order_by("unit_path", "reported_on")
    today = timezone.localdate()
    units = {u.pk: u for u in Unit.objects.filter(pk__in=facts.values("unit_id").distinct())}
    sv: dict[int, int] = {}

    def month(d: Any) -> str:
        return d.strftime("%Y-%m") if d else ""
    for f in facts.iterator():
        if f.category == SEXUAL_VIOLENCE:
            sv[f.unit_id] = sv.get(f.unit_id, 0) + 1
            continue
        u = units[f.unit_id]
        writer.writerow(["case", u.code, u.name, f.category, f.kind, month(f.reported_on), f.status,
                         month(f.verified_on), month(f.decided_on),
                         int(bool(f.is_open and f.stage_due and f.stage_due < today)), f.missed_deadlines, 1])
    if SEXUAL_VIOLENCE in cats:
        ids = sorted(sv, key=lambda i: units[i].path)
        rows: list[list[Any]] = [[units[i].code, sv[i]] for i in ids]
        rows.append(["", sum(sv.values())])
        pub = publish_table(Table(key="csv.sv", title="", columns=["unit", "count"], rows=rows,
                                  sensitive_columns=frozenset({1}), has_total_row=True))
        for i, row in zip([*ids, None], pub.rows, strict=True):
            u = units[i] if i else unit
            writer.writerow(["count" if i else "total", u.code, u.name, SEXUAL_VIOLENCE, "",
                             f"{period.start:%Y-%m}..{period.end:%Y-%m}", "", "", "", "", "", row[1].text])
    return out.getvalue()
