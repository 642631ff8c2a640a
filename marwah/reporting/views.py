"""Views of the reporting channel: the public side (no account) and the key unlock / identity gate.

The staff pages of report content live in staff_views.py, under the case (/kasus/<id>/laporan/).

Nothing sensitive travels in a URL: the receipt is POSTed and the report key it opens is then
kept in the session wrapped with the browser key (an HttpOnly cookie, see `browserkey`);
staff URLs carry only the random public_id.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from marwah.core.views import rate_limited
from marwah.reporting import browserkey, crypto, drafts, selectors, services
from marwah.reporting.evidence import MAX_FILES, clean_upload
from marwah.reporting.forms import (
    ACCOUNT,
    ANONYMOUS,
    ReceiptForm,
    ReporterMessageForm,
    ReportForm,
)
from marwah.rules import violations

# Days the team takes to check a new report: the verification defaults of regulations.md §6
# (BKN neutrality task force: 7 days; Bawaslu: 7 working days). The cases app holds the real deadlines.
VERIFY_WORKING_DAYS = 7


def _rate(name: str, default: str):
    return lambda group, request: getattr(settings, name, default)


def _limited(request: HttpRequest) -> HttpResponse | None:
    if getattr(request, "limited", False):
        return rate_limited(request)
    return None


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- Public: landing and form -------------------------------------------------------------------------

@login_not_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    categories = [
        {"category": c, "readers": selectors.readers_description(c.code, None),
         "kinds": violations.kinds_for(c.code)}
        for c in violations.CATEGORIES.values()
    ]
    return render(request, "reporting/start.html", {"categories": categories, "verify_days": VERIFY_WORKING_DAYS})


def _category_or_404(category: str) -> violations.Category:
    found = violations.CATEGORIES.get(category)
    if found is None:
        raise Http404
    return found


def _id(value: str | None) -> int | None:
    """A database id sent by the browser, or None for anything else.

    Only ASCII digits, and short enough for any database: `str.isdigit()` also accepts "²", which
    `int()` refuses, and 30 digits overflow SQLite — both were a 500 on the public pages.
    """
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _int_list(values: list[str]) -> list[int]:
    return [i for i in map(_id, values) if i is not None][:10]


def _form_context(request: HttpRequest, form: ReportForm, category: violations.Category, *,
                  file_errors: list[str], institutions) -> dict:
    # A bound ReportForm is always bound to request.POST (see report_form).
    data = request.POST if form.is_bound else QueryDict()
    inst_id = _id(data.get("institution"))
    unit_id = _id(data.get("unit"))
    unit = selectors.get_unit(unit_id, inst_id) if unit_id is not None else None
    accused = selectors.picked_people(_int_list(data.getlist("accused")), inst_id)
    involved = selectors.picked_people(_int_list(data.getlist("involved")), inst_id)
    suggestions = []
    if category.code == violations.NEUTRALITY and data.get("narrative"):
        suggestions = [violations.KINDS[code] for code, _words in violations.suggest_kinds(data["narrative"])[:3]]
    return {
        "form": form, "category": category, "kinds": violations.kinds_for(category.code),
        "staged": drafts.staged(request), "file_errors": file_errors, "max_files": MAX_FILES,
        "unit": unit, "unit_choices": [unit] if unit else [], "accused": accused, "involved": involved, "provinces": selectors.provinces(),
        "readers": selectors.readers_description(category.code, unit), "verify_days": VERIFY_WORKING_DAYS,
        "suggestions": suggestions, "institutions": institutions,
    }


def _reporter_source(request: HttpRequest, form: ReportForm) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    contact = "".join(form.cleaned_data.get("reporter_contact", "").lower().split())
    if form.cleaned_data.get("identity_mode") != ANONYMOUS and contact:
        return f"contact:{contact}"
    token = request.session.get("mw_anon") or secrets.token_hex(16)
    request.session["mw_anon"] = token
    return f"anon:{token}"


@login_not_required
@never_cache
@ratelimit(key="ip", rate=_rate("MARWAH_REPORT_RATE", "60/h"), method="POST", block=False)
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, category: str) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    cat = _category_or_404(category)
    institutions = selectors.institutions()
    kwargs: dict[str, Any] = {"category": cat.code, "institutions": institutions, "logged_in": request.user.is_authenticated}
    if request.method == "GET":
        initial: dict[str, Any] = {}
        if len(institutions) == 1:
            initial["institution"] = institutions[0].pk
        form = ReportForm(initial=initial, **kwargs)
        return render(request, "reporting/form.html", _form_context(request, form, cat, file_errors=[],
                                                                    institutions=institutions))
    form = ReportForm(request.POST, **kwargs)
    file_errors: list[str] = []
    remove = request.POST.get("remove_file")
    if remove:
        drafts.remove(request, remove)
    for upload in request.FILES.getlist("files"):
        try:
            clean = clean_upload(upload)
        except ValidationError as exc:
            file_errors.append(exc.messages[0])
            continue
        if not drafts.stage(request, clean):
            file_errors.append(_("At most %(n)d files can be attached.") % {"n": MAX_FILES})
    valid = form.is_valid() and not remove and not file_errors
    unit = None
    if valid:
        unit = selectors.get_unit(form.cleaned_data["unit"], form.cleaned_data["institution"])
        if unit is None:
            form.add_error(None, _("Please choose the office where it happened."))
    if not valid or unit is None:
        status = 200 if remove and not form.errors else 400
        return render(request, "reporting/form.html",
                      _form_context(request, form, cat, file_errors=file_errors, institutions=institutions),
                      status=status)
    mode = form.cleaned_data["identity_mode"]
    account = request.user if (mode == ACCOUNT and request.user.is_authenticated) else None
    files = [f for f in (drafts.load(request, s.token) for s in drafts.staged(request)) if f is not None]
    submission = services.Submission(
        category=cat.code, kind=form.cleaned_data["kind"], institution=unit.institution, unit=unit,
        narrative=form.cleaned_data["narrative"], when_text=form.cleaned_data["when_text"],
        where_text=form.cleaned_data["where_text"],
        accused=selectors.picked_people(_int_list(request.POST.getlist("accused")), unit.institution_id),
        accused_text=form.cleaned_data["accused_text"],
        involved=selectors.picked_people(_int_list(request.POST.getlist("involved")), unit.institution_id),
        witnesses_text=form.cleaned_data["witnesses_text"], files=files,
        is_anonymous=mode == ANONYMOUS, reporter_name=form.cleaned_data["reporter_name"] if mode != ANONYMOUS else "",
        reporter_contact=form.cleaned_data["reporter_contact"] if mode != ANONYMOUS else "",
        reporter_user=account, reporter_source=_reporter_source(request, form),
    )
    report, receipt = services.submit_report(submission=submission)
    drafts.clear(request)
    request.session["mw_receipt"] = crypto.session_wrap(browserkey.ensure(request), receipt.encode(),
                                                        aad="receipt-once")
    return redirect("reporting:receipt")


@login_not_required
@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    wrapped = request.session.pop("mw_receipt", None)
    if not wrapped:
        return redirect("reporting:return")
    try:
        number = crypto.session_unwrap(browserkey.get(request), wrapped, aad="receipt-once").decode()
    except crypto.DecryptionError:
        return redirect("reporting:return")
    groups = [number[i:i + 4] for i in range(0, len(number), 4)]
    return _no_store(render(request, "reporting/receipt.html", {"groups": groups}))


# --- Public: pickers (htmx partials) --------------------------------------------------------------------

@login_not_required
@ratelimit(key="ip", rate=_rate("MARWAH_PICKER_RATE", "120/m"), block=False)
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    inst_id = _id(request.GET.get("institution"))
    units = selectors.search_units(institution_id=inst_id,
                                   province_code=request.GET.get("province", "")[:13],
                                   query=request.GET.get("q", "")[:80])
    query = request.GET.get("q", "").strip()
    return render(request, "reporting/_unit_results.html", {
        "units": units, "searched": inst_id is not None or len(query) >= selectors.ALL_INSTITUTIONS_MIN_QUERY,
        "all_institutions": inst_id is None, "typed": bool(query),
        "min_query": selectors.ALL_INSTITUTIONS_MIN_QUERY})


@login_not_required
@ratelimit(key="ip", rate=_rate("MARWAH_PEOPLE_RATE", "30/m"), block=False)
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    inst_id = _id(request.GET.get("institution"))
    unit_id = _id(request.GET.get("unit"))
    unit = selectors.get_unit(unit_id, inst_id) if unit_id is not None else None
    target = request.GET.get("field") if request.GET.get("field") in ("accused", "involved") else "accused"
    query = request.GET.get("q", "")[:80]
    people = selectors.search_people(query=query, institution_id=inst_id, unit=unit)
    return render(request, "reporting/_people_results.html",
                  {"people": people, "field": target, "short": len(query.strip()) < 3})


@login_not_required
@require_GET
def readers(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    _category_or_404(category)
    unit_id = _id(request.GET.get("unit"))
    unit = selectors.get_unit(unit_id) if unit_id is not None else None
    return render(request, "reporting/_readers.html",
                  {"readers": selectors.readers_description(category, unit), "verify_days": VERIFY_WORKING_DAYS})


# --- Public: returning with the receipt -------------------------------------------------------------------

def _receipt_limited(request: HttpRequest) -> bool:
    per_ip = is_ratelimited(request, group="receipt-ip", key="ip", method="POST", increment=True,
                            rate=getattr(settings, "MARWAH_RECEIPT_RATE", "10/m"))
    per_ip_hour = is_ratelimited(request, group="receipt-ip-hour", key="ip", method="POST", increment=True,
                                 rate=getattr(settings, "MARWAH_RECEIPT_RATE_HOUR", "60/h"))
    overall = is_ratelimited(request, group="receipt-all", key=lambda g, r: "all", method="POST", increment=True,
                             rate=getattr(settings, "MARWAH_RECEIPT_RATE_GLOBAL", "2000/h"))
    return per_ip or per_ip_hour or overall


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def return_start(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, even an empty one: add_error below needs a bound form.
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _receipt_limited(request):
            form.add_error(None, _("Too many attempts. For your safety, please wait a few minutes and try again."))
            status = 429
        elif form.is_valid():
            found = selectors.find_by_receipt(form.cleaned_data["receipt"])
            if found is not None:
                selectors.remember_reporter(request, *found)
                return redirect("reporting:my_report")
            form.add_error("receipt", _("We could not find a report with this receipt. Check the 16 digits and try "
                                        "again; if it was lost, you can send a new report."))
            status = 400
        else:
            status = 400
    return _no_store(render(request, "reporting/return.html", {"form": form}, status=status))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_report(request: HttpRequest) -> HttpResponse:
    found = selectors.reporter_report(request)
    if found is None:
        messages.info(request, _("Please enter your receipt to see your report."))
        return redirect("reporting:return")
    report, key = found
    form = ReporterMessageForm(request.POST if request.method == "POST" else None)
    file_errors: list[str] = []
    status = 200
    if request.method == "POST":
        files = []
        for upload in request.FILES.getlist("files")[:MAX_FILES]:
            try:
                files.append(clean_upload(upload))
            except ValidationError as exc:
                file_errors.append(exc.messages[0])
        if form.is_valid() and (form.cleaned_data["text"].strip() or files):
            services.post_reporter_message(report=report, report_key=key, text=form.cleaned_data["text"],
                                           files=files)
            if not file_errors:
                messages.success(request, _("Your message has been sent to the team."))
                return redirect("reporting:my_report")
            messages.success(request, _("Your message was sent, but some files were not attached."))
            form = ReporterMessageForm()
        elif not file_errors:
            form.add_error("text", _("Write a message or attach a file."))
            status = 400
        else:
            status = 400
    content = selectors.decrypt_content(report, key)
    thread = selectors.conversation(report, key, for_staff=False)
    services.mark_read(report=report, by_reporter=True)
    context = {
        "report": report, "content": content, "thread": thread, "form": form, "file_errors": file_errors,
        "status": selectors.public_status(report, key),
        "readers": selectors.readers_description(report.category, report.unit),
        "verify_days": VERIFY_WORKING_DAYS,
    }
    return _no_store(render(request, "reporting/my_report.html", context, status=status))


@login_not_required
@require_POST
def return_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(selectors.SESSION_REPORTER, None)
    messages.info(request, _("You have left your report. Keep your receipt safe to come back."))
    return redirect("reporting:start")


# --- Staff ----------------------------------------------------------------------------------------------------

def _unlock_url(request: HttpRequest, next_url: str) -> str:
    return f"{reverse('keys:unlock')}?next={next_url}"
