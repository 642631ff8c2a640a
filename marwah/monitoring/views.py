"""Monitoring pages: the dashboard (per unit subtree and period), the analysts' CSV, and the
periodic reports (write, make in the background, send up, acknowledge or return, download).
Every unit and report is loaded through `selectors` (404 for anyone out of scope)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marwah.accounts.models import User
from marwah.accounts.selectors import grants
from marwah.audit.services import record
from marwah.core import chrome
from marwah.core.cache import kept
from marwah.monitoring import periods, selectors, services
from marwah.monitoring import render as rendering
from marwah.monitoring.access import REPORT_READERS, REPORTERS
from marwah.monitoring.forms import ReviewForm, TextForm
from marwah.monitoring.models import PeriodicReport
from marwah.orgs.selectors import ancestors


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _period(request: HttpRequest) -> Any:
    period, error = periods.parse(request.GET, timezone.localdate())
    if error:
        messages.warning(request, error)
    return period


def _picker(request: HttpRequest, period: Any) -> dict[str, Any]:
    return {"kind": period.kind or "custom", "value": periods.value_of(period),
            "start": f"{period.start:%Y-%m}", "end": f"{period.end:%Y-%m}", "kinds": [
                ("month", _("Month")), ("quarter", _("Quarter")), ("semester", _("Semester")), ("year", _("Year")),
                ("custom", _("Custom"))]}


def _dashboard_body(request: HttpRequest, user: User, unit: Any, period: Any) -> bytes:
    """The dashboard below the page header, rendered once and kept for MARWAH_MONITORING_CACHE_SECONDS
    (60 s) per unit, period, language and what the user holds: the roles over the unit (the sections
    and the report link) and the roots (the trail and "your units"). Rendering the sections and the
    header around them cost ~1 ms of every view (issue 14); the figures were already kept 60 s.
    Kept in the shared cache and in this process (`core.cache.kept`), never older than the interval, and
    kept encoded (`chrome.encoded`): ~75 KB at national level, which each response would encode again."""
    ttl = int(getattr(settings, "MARWAH_MONITORING_CACHE_SECONDS", 60))
    roots = selectors.root_units(user)
    roles = ",".join(sorted({g.role for g in grants(user) if unit.path.startswith(g.path)}))
    key = (f"monitoring:dash:{unit.pk}:{period.kind}:{period.start}:{period.end}:{roles}:"
           f"{'|'.join(r.path for r in roots)}:{get_language()}")
    # `:utf8`: the bare key may still hold the text an older version kept.
    return kept(f"{key}:utf8", ttl, lambda: chrome.encoded(_render_dashboard_body(request, user, unit, period, roots)))


def _render_dashboard_body(request: HttpRequest, user: User, unit: Any, period: Any, roots: list[Any]) -> str:
    sections = selectors.published_sections(user, unit, period)
    query = periods.query_for(period)
    return render_to_string("monitoring/_dashboard_body.html", {
        "unit": unit, "period_label": periods.label(period), "previous_label": periods.label(period.previous()),
        "query": query, "picker": _picker(request, period), "sections": sections,
        "trail": [u for u in ancestors(unit) if any(u.path.startswith(r.path) for r in roots)],
        "roots": roots if len(roots) > 1 else [], "can_report": selectors.can_report(user, unit),
        "threshold": selectors.threshold(),
    }, request=request)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.dashboard_unit(user, request.GET.get("unit"))
    period = _period(request)
    return chrome.page(request, "monitoring/dashboard.html", {"body": _dashboard_body(request, user, unit, period)})


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.dashboard_unit(user, request.GET.get("unit"))
    period = _period(request)
    body = rendering.csv_export(user=user, unit=unit, period=period)
    record(actor=user, action="monitoring.csv_export", unit=unit,
           detail={"period": [period.start.isoformat(), period.end.isoformat()]})
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="marwah-{unit.code}-{period.start:%Y%m}.csv"'
    return response


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.dashboard_unit(user, request.GET.get("unit"), roles=REPORT_READERS)
    period = _period(request)
    return render(request, "monitoring/reports.html", {
        "unit": unit, "period": period, "period_label": periods.label(period), "query": periods.query_for(period),
        "picker": _picker(request, period), "own": list(selectors.reports_for_unit(unit, period)),
        "children": selectors.submissions(unit, period), "can_report": selectors.can_report(user, unit),
        "due": services.due_date(period), "parent": unit.parent,
    })


@login_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.dashboard_unit(user, request.POST.get("unit"), roles=REPORTERS)
    period, error = periods.parse(request.POST, timezone.localdate())
    if error:
        messages.error(request, error)
        return redirect(f"{reverse('monitoring:reports')}?unit={unit.pk}")
    try:
        report = services.start_report(actor=user, unit=unit, period=period,
                                       consolidated=request.POST.get("consolidated") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('monitoring:reports')}?unit={unit.pk}&{periods.query_for(period)}")
    return redirect("monitoring:report_detail", pk=report.pk)


def _detail(request: HttpRequest, report: PeriodicReport, text_form: TextForm | None = None,
            review_form: ReviewForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    period = periods.from_report(report.period_kind, report.period_start, report.period_end)
    can_edit = not report.is_frozen and selectors.can_report(user, report.unit)
    return render(request, "monitoring/report_detail.html", {
        "report": report, "period_label": periods.label(period), "query": periods.query_for(period),
        "can_edit": can_edit, "can_review": report.status == PeriodicReport.Status.SENT and
        selectors.can_review(user, report), "can_correct": report.is_frozen and selectors.can_report(user, report.unit),
        "text_form": text_form or TextForm(initial={"evaluation": report.evaluation, "follow_up": report.follow_up}),
        "review_form": review_form or ReviewForm(initial={"decision": "acknowledge"}),
        "children": selectors.submissions(report.unit, period) if report.consolidated else [],
    }, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.get_report_for_user(user, pk)
    if request.method == "POST":
        form = TextForm(request.POST)
        if not form.is_valid():
            return _detail(request, report, text_form=form, status=400)
        try:
            services.write_text(actor=user, report=report, evaluation=form.cleaned_data["evaluation"],
                                follow_up=form.cleaned_data["follow_up"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return _detail(request, report, text_form=form, status=400)
        messages.success(request, _("Saved."))
        return redirect("monitoring:report_detail", pk=report.pk)
    return _detail(request, report)


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(_user(request), pk)
    return render(request, "monitoring/_report_status.html", {"report": report})


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    user = _user(request)
    report = selectors.get_report_for_user(user, pk)
    try:
        action(actor=user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("monitoring:report_detail", pk=report.pk)


@login_required
@require_POST
def report_build(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.request_build, _("The report is being made; this page shows when it is ready."))


@login_required
@require_POST
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.send, _("Sent to the level above. The report is now frozen."))


@login_required
@require_POST
def report_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.get_report_for_user(user, pk)
    period = periods.from_report(report.period_kind, report.period_start, report.period_end)
    try:
        new = services.start_report(actor=user, unit=report.unit, period=period, consolidated=report.consolidated)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:report_detail", pk=report.pk)
    return redirect("monitoring:report_detail", pk=new.pk)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.get_report_for_user(user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, review_form=form, status=400)
    try:
        if form.cleaned_data["decision"] == "return":
            services.return_report(actor=user, report=report, note=form.cleaned_data["note"])
            messages.success(request, _("Returned to the unit with your note."))
        else:
            services.acknowledge(actor=user, report=report, note=form.cleaned_data["note"])
            messages.success(request, _("Acknowledged."))
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, report, review_form=form, status=400)
    period = periods.from_report(report.period_kind, report.period_start, report.period_end)
    parent = report.unit.parent
    return redirect(f"{reverse('monitoring:reports')}?unit={parent.pk if parent else report.unit.pk}&"
                    f"{periods.query_for(period)}")


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    report = selectors.get_report_for_user(user, pk)
    if fmt not in ("pdf", "xlsx") or report.build != PeriodicReport.Build.READY:
        raise Http404
    data = PeriodicReport.objects.filter(pk=report.pk).values_list(fmt, flat=True).first()
    if not data:
        raise Http404
    record(actor=user, action="monitoring.report_download", target=report, unit=report.unit, detail={"format": fmt})
    types = {"pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    response = HttpResponse(bytes(data), content_type=types[fmt])
    name = f"monev-{report.unit.code}-{report.period_start:%Y%m}-{report.period_end:%Y%m}-v{report.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
