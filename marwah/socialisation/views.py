"""Socialisation: views (function views; reads via selectors, writes via services)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import has_role
from marwah.audit.services import record
from marwah.core.params import parse_id, parse_page
from marwah.orgs.selectors import ancestors
from marwah.socialisation import selectors, services
from marwah.socialisation.forms import (
    ApelForm,
    CodeForm,
    ImportForm,
    MaterialForm,
    OutreachForm,
    ProgrammeForm,
    QuestionForm,
    SessionForm,
    TopicForm,
)
from marwah.socialisation.models import Attendance, Session

PAGE_SIZE = 50
CODE_SESSION_SECONDS = 2 * 60 * 60
GRANT_SECONDS = 15 * 60


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _organiser(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.role_paths(user, selectors.ORGANISERS):
        raise Http404
    return user


def _csv(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx(filename: str, sheets: list[tuple[str, list[str], Iterable[list[Any]]]]) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(header)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# --- Overview --------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    employee = selectors.participant(request)
    is_reader = bool(selectors.role_paths(user, selectors.READERS))
    is_organiser = bool(selectors.role_paths(user, selectors.ORGANISERS))
    return render(request, "socialisation/index.html", {
        "employee": employee,
        "upcoming": selectors.upcoming_for(employee) if employee else [],
        "mine": list(selectors.my_attendance(employee)[:20]) if employee else [],
        "sessions": list(selectors.sessions_for_user(user).order_by("-starts_at")[:50]) if is_reader else [],
        "is_reader": is_reader, "is_organiser": is_organiser,
    })


# --- Creating sessions -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    user = _organiser(request)
    units = selectors.organiser_units(user)
    topics = selectors.topics_for_user(user)
    programmes = selectors.programmes_for_user(user)
    initial = SessionForm.initial_times()
    chosen = programmes.filter(pk=parse_id(request.GET.get("programme")) or 0).first()
    if chosen:
        initial.update(programme=chosen, host_unit=chosen.unit, topics=list(chosen.topics.all()))
    form = SessionForm(request.POST or None, units=units, topics=topics, programmes=programmes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = data["host_unit"]
        try:
            session = services.create_session(
                actor=user, kind=data["kind"], title=data["title"], topics=list(data["topics"]), host_unit=host,
                participating=list(data["participating"]), starts_at=data["starts_at"], ends_at=data["ends_at"],
                mode=data["mode"], place=data["place"], meeting_url=data["meeting_url"],
                speakers=form.speaker_specs(), programme=data["programme"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("socialisation:session", pk=session.pk)
    return render(request, "socialisation/session_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def apel_new(request: HttpRequest) -> HttpResponse:
    """One tap at the roll-call: topic and unit, then the ticking list."""
    user = _organiser(request)
    form = ApelForm(request.POST or None, units=selectors.organiser_units(user),
                    topics=selectors.topics_for_user(user))
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        session = services.start_apel(actor=user, unit=unit, topic=form.cleaned_data["topic"])
        return redirect(reverse("socialisation:tick", args=[session.pk]) + f"?unit={unit.pk}")
    return render(request, "socialisation/apel_form.html", {"form": form}, status=400 if form.errors else 200)


# --- One session -----------------------------------------------------------------------------------

@login_not_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated and selectors.participant(request) is None:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    access = selectors.session_access(request, pk)
    session = access.session
    unit = access.record_units[0] if access.record_units else None
    mine = (Attendance.objects.filter(session=session, employee=access.employee).first()
            if access.employee else None)
    counts = selectors.session_counts(session, unit) if unit else None
    return render(request, "socialisation/session_detail.html", {
        "access": access, "session": session, "unit": unit, "counts": counts, "mine": mine,
        "children": selectors.session_children(session, unit) if unit else [],
        "topics": list(session.topics.all()), "speakers": list(session.speakers.all()),
        "materials": list(session.materials.all()), "participating": list(session.participating.select_related("unit")),
        "open": services.is_open(session), "material_form": MaterialForm() if access.manage else None,
    })


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    access = selectors.session_access(request, pk)
    if not access.manage:
        raise Http404
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        services.add_material(actor=user, kind=data["kind"], title=data["title"], session=access.session,
                              upload=data.get("file"), url=data.get("url") or "")
        messages.success(request, _("Material attached."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("socialisation:session", pk=pk)


@never_cache
@login_required
@require_GET
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The room screen: a QR code that changes every few dozen seconds."""
    access = selectors.session_access(request, pk)
    if not access.manage:
        raise Http404
    return render(request, "socialisation/screen.html", _screen_context(request, access))


def _screen_context(request: HttpRequest, access: selectors.Access) -> dict[str, Any]:
    session = access.session
    url = request.build_absolute_uri(services.qr_path(session))
    present, late = selectors.session_counts(session, selectors._host(session))
    return {"session": session, "url": url, "qr": services.qr_svg(url), "open": services.is_open(session),
            "present": present, "late": late, "slot_seconds": services.QR_SLOT_SECONDS}


@never_cache
@login_required
@require_GET
def screen_qr(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.session_access(request, pk)
    if not access.manage:
        raise Http404
    return render(request, "socialisation/_screen_qr.html", _screen_context(request, access))


# --- Check-in by QR (public landing) ---------------------------------------------------------------

def _grant_ok(request: HttpRequest, pk: int) -> bool:
    grants = request.session.get(selectors.GRANT_KEY, {})
    return float(grants.get(str(pk), 0)) > time.time()


@login_not_required
@never_cache
@ratelimit(key="ip", rate="600/m", block=False)  # a whole hall behind one office NAT scans within a minute
@require_GET
def scan(request: HttpRequest, pk: int, slot: int, token: str) -> HttpResponse:
    """What the QR code opens. Safe for anyone: it shows only the session's title and asks who you are."""
    session = Session.objects.filter(pk=pk).only("pk", "title", "secret", "starts_at", "ends_at").first()
    ok = (session is not None and not getattr(request, "limited", False)
          and services.token_valid(session, slot, token) and services.is_open(session))
    if not ok or session is None:
        return render(request, "socialisation/scan_invalid.html", status=410 if session else 404)
    grants = request.session.get(selectors.GRANT_KEY, {})
    grants[str(pk)] = time.time() + GRANT_SECONDS
    request.session[selectors.GRANT_KEY] = grants
    employee = selectors.participant(request)
    return render(request, "socialisation/scan.html", {
        "session": session, "employee": employee, "code_form": CodeForm(),
        "login_url": f"{reverse('accounts:login')}?next={reverse('socialisation:checkin', args=[pk])}"})


_CHECKED_IN = SimpleLazyObject(lambda: get_template("socialisation/checked_in_answer.html"))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the scanning person's attendance (a logged-in user, or a one-time code's person)."""
    if not _grant_ok(request, pk):
        return render(request, "socialisation/scan_invalid.html", status=410)
    session, paths = selectors.cached_session(pk)
    # The POST (the hot path) needs only the person's id, unit and name; the GET page shows more.
    employee = selectors.participant(request, brief=request.method == "POST")
    if employee is None:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if request.method == "GET":
        return render(request, "socialisation/scan.html", {"session": session, "employee": employee})
    if not selectors.in_scope(paths, employee):
        return render(request, "socialisation/checked_in.html", {
            "session": session, "employee": employee, "refused": True}, status=403)
    if not services.is_open(session):
        return render(request, "socialisation/scan_invalid.html", status=410)
    actor = request.user if request.user.is_authenticated else None
    now = timezone.now()
    new = services.record_attendance(session=session, employee=employee, method=Attendance.Method.QR, actor=actor,
                                     at=now)
    # The fresh row is known without reading it back (the hot path of a room checking in at once).
    mine = (Attendance(at=now, late=services.is_late(session, now)) if new
            else Attendance.objects.filter(session=session, employee=employee).only("at", "late").first())
    # A small page without the base layout: no context processors (menu), no template inheritance.
    return HttpResponse(_CHECKED_IN.render({"session": session, "employee": employee, "mine": mine, "new": new,
                                            "signed_in": actor is not None}))


@login_not_required
@never_cache
# 60 a minute per address: a hall of officers behind one NAT; guessing an 8-character code stays hopeless.
@ratelimit(key="ip", rate="60/m", method="POST", block=False)
@require_POST
def checkin_code(request: HttpRequest, pk: int) -> HttpResponse:
    """An ad hoc officer without an account enters the one-time code they were given."""
    if not _grant_ok(request, pk):
        return render(request, "socialisation/scan_invalid.html", status=410)
    session, _paths = selectors.cached_session(pk)
    form = CodeForm(request.POST)
    status = 400
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Wait a minute and try again."))
        status = 429
    elif form.is_valid():
        employee = services.redeem_code(session=session, code=form.cleaned_data["code"])
        if employee is not None:
            grants = request.session.get(selectors.GRANT_KEY, {})
            if request.user.is_authenticated:
                from django.contrib.auth import logout

                logout(request)
            request.session.cycle_key()
            request.session[selectors.GRANT_KEY] = grants
            request.session[selectors.CODE_SESSION_KEY] = employee.pk
            request.session[selectors.CODE_SESSION_UNTIL] = time.time() + CODE_SESSION_SECONDS
            services.record_attendance(session=session, employee=employee, method=Attendance.Method.QR)
            mine = Attendance.objects.filter(session=session, employee=employee).first()
            return render(request, "socialisation/checked_in.html", {
                "session": session, "employee": employee, "mine": mine, "new": True})
        form.add_error("code", _("This code is not valid for this session, was already used or has expired."))
    return render(request, "socialisation/scan.html", {"session": session, "employee": None, "code_form": form},
                  status=status)


# --- Ticking on a phone ----------------------------------------------------------------------------

@login_required
@require_GET
def tick(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.GET.get("unit"))
    query = request.GET.get("q", "")[:60]
    rows = selectors.people_to_tick(access.session, unit, query=query)
    present, late = selectors.session_counts(access.session, unit)
    context = {"access": access, "session": access.session, "unit": unit, "rows": rows, "q": query,
               "present": present, "children": unit.children.filter(is_active=True).order_by("name")[:200]}
    if request.htmx and request.GET.get("partial"):  # type: ignore[attr-defined]
        return render(request, "socialisation/_tick_rows.html", context)
    return render(request, "socialisation/tick.html", context)


@login_required
@require_POST
def tick_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.POST.get("unit"))
    employee = selectors.employee_in(unit, request.POST.get("employee"))
    if not selectors.in_scope(access.paths, employee):
        raise Http404
    if request.POST.get("present") == "1":
        services.record_attendance(session=access.session, employee=employee, method=Attendance.Method.TICKED,
                                   actor=user, late=request.POST.get("late") == "1")
    else:
        services.remove_attendance(session=access.session, employee=employee, actor=user)
    mark = Attendance.objects.filter(session=access.session, employee=employee).first()
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "socialisation/_tick_row.html", {
            "session": access.session, "unit": unit, "employee": employee, "mark": mark,
            "oob": True, "present": selectors.session_counts(access.session, unit)[0]})
    return redirect(reverse("socialisation:tick", args=[pk]) + f"?unit={unit.pk}")


@login_required
@require_POST
def tick_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone directly in the unit present; the organiser then unticks who is missing."""
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.POST.get("unit"))
    added = 0
    for employee, mark in selectors.people_to_tick(access.session, unit, limit=1000):
        if mark is None and selectors.in_scope(access.paths, employee):
            added += services.record_attendance(session=access.session, employee=employee,
                                                method=Attendance.Method.TICKED, actor=user, late=False)
    messages.success(request, _("%(n)s people marked present.") % {"n": added})
    return redirect(reverse("socialisation:tick", args=[pk]) + f"?unit={unit.pk}")


# --- Importing a meeting tool's participant list ---------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.GET.get("unit") or request.POST.get("unit"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.start_import(session=access.session, unit=unit, actor=user, filename=upload.name,
                                          data=upload.read(), scope=selectors.scope_employees(access, unit))
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("socialisation:import", pk=pk, batch=batch.pk)
    return render(request, "socialisation/import_form.html", {"session": access.session, "unit": unit, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    user = _user(request)
    access = selectors.session_access(request, pk)
    found = selectors.get_import(access, batch)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "record":
            n = services.record_import(batch=found, actor=user)
            messages.success(request, _("%(n)s people recorded as present.") % {"n": n})
        elif action in ("match", "skip"):
            line = parse_id(request.POST.get("line")) or 0
            employee = None
            if action == "match":
                wanted = request.POST.get("who", "").strip()
                scope = selectors.scope_employees(access, found.unit)
                matches = list(scope.filter(nip=wanted)[:1]) if wanted.isdigit() else []
                if not matches:
                    matches = list(scope.filter(pk=parse_id(request.POST.get("employee")) or 0)[:1])
                if not matches:
                    messages.error(request, _("Row %(line)s: no one in scope with NIP \"%(nip)s\".") % {
                        "line": line, "nip": wanted})
                    return redirect("socialisation:import", pk=pk, batch=found.pk)
                employee = matches[0]
            services.match_row(batch=found, line=line, employee=employee, actor=user)
        return redirect("socialisation:import", pk=pk, batch=found.pk)
    from marwah.people.models import Employee

    ids = [r["employee_id"] for r in found.rows if r["employee_id"]]
    people = Employee.objects.select_related("unit").in_bulk(ids)
    rows = [dict(r, employee=people.get(r["employee_id"])) for r in found.rows]
    counts = {s: sum(1 for r in rows if r["status"] == s)
              for s in ("matched", "unmatched", "duplicate", "skipped", "recorded")}
    return render(request, "socialisation/import_detail.html", {
        "session": access.session, "batch": found, "rows": rows, "counts": counts})


# --- Attendance lists, reminders, codes ------------------------------------------------------------

@login_required
@require_GET
def attendance_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.GET.get("unit"))
    methods, yes = dict(Attendance.Method.choices), _("yes")
    rows = [[a.employee.name, a.employee.nip or a.employee.employee_number or "", a.unit.name,
             timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M"), str(methods[a.method]), yes if a.late else ""]
            for a in selectors.attendance_list(access.session, unit)[:100_000]]
    header = [_("Name"), _("NIP / employee number"), _("Unit"), _("Time"), _("How"), _("Late")]
    record(actor=user, action="social.attendance_exported", target=access.session, unit=unit, detail={"format": fmt})
    name = f"kehadiran-{access.session.pk}-{unit.code}".replace("/", "-").replace(" ", "-")
    if fmt == "csv":
        return _csv(name, header, rows)
    return _xlsx(name, [(_("Attendance"), header, rows)])


@login_required
@require_GET
def absent_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The expected people not recorded, with phone numbers, for an SMS gateway."""
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.GET.get("unit"))
    record(actor=user, action="social.absent_exported", target=access.session, unit=unit)
    rows = [[e.name, e.nip or e.employee_number or "", e.unit.name, e.phone, e.email]
            for e in selectors.absent(access, unit)[:100_000]]
    return _csv(f"belum-hadir-{access.session.pk}", [_("Name"), _("NIP / employee number"), _("Unit"), _("Phone"),
                                                     _("Email")], rows)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.POST.get("unit"))
    sent = services.remind_absent(session=access.session, employees=list(selectors.absent(access, unit)[:20_000]),
                                  actor=user)
    messages.success(request, _("Reminder emailed to %(n)s people not yet recorded.") % {"n": sent})
    return redirect("socialisation:session", pk=pk)


@never_cache
@login_required
@require_POST
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    """One-time codes for the people under the unit without an account (ad hoc officers), as CSV."""
    user = _user(request)
    access = selectors.session_access(request, pk)
    unit = selectors.record_unit(access, request.POST.get("unit"))
    people = list(selectors.absent(access, unit).filter(user__isnull=True)[:5000])
    issued = services.issue_codes(session=access.session, employees=people, actor=user)
    return _csv(f"kode-hadir-{access.session.pk}", [_("Name"), _("NIP / employee number"), _("Unit"), _("Phone"),
                                                    _("One-time code")],
                [[i.employee.name, i.employee.nip or i.employee.employee_number or "", i.employee.unit.name,
                  i.employee.phone, i.code] for i in issued])


# --- Questions -------------------------------------------------------------------------------------

@login_not_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated and selectors.participant(request) is None:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    access = selectors.session_access(request, pk)
    form = QuestionForm(request.POST or None)
    asked = None
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.ask_question(session=access.session, text=form.cleaned_data["text"],
                                          employee=access.employee, anonymous=form.cleaned_data["anonymous"])
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            form = QuestionForm()
    return render(request, "socialisation/ask.html", {"session": access.session, "form": form, "asked": asked},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_GET
def question_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.session_access(request, pk)
    if not access.moderate:
        raise Http404
    context = {"session": access.session, "questions": list(selectors.questions(access.session))}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "socialisation/_questions.html", context)
    return render(request, "socialisation/questions.html", context)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    access = selectors.session_access(request, pk)
    found = selectors.get_question(access, question)
    services.mark_answered(question=found, actor=_user(request))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "socialisation/_questions.html", {
            "session": access.session, "questions": list(selectors.questions(access.session))})
    return redirect("socialisation:questions", pk=pk)


# --- Coverage --------------------------------------------------------------------------------------

def _bucket(request: HttpRequest, topic: Any = None, unit: Any = None) -> str:
    """The period asked for; by default the latest year in which the topic reached anyone under the unit."""
    value = request.GET.get("period", "")
    if len(value) == 4 and value.isdigit() or len(value) == 7 and value[:4].isdigit() and value[4:6] == "-Q" \
            and value[6] in "1234":
        return value
    latest = selectors.latest_year(topic, unit) if topic is not None and unit is not None else None
    return latest or str(timezone.localdate().year)


def _periods() -> list[str]:
    year = timezone.localdate().year
    return [p for y in (year, year - 1) for p in (str(y), *(f"{y}-Q{q}" for q in (4, 3, 2, 1)))]


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    topics = list(selectors.topics_for_user(user))
    if not topics:
        raise Http404
    unit = selectors.coverage_unit(user, request.GET.get("unit"))
    topic = selectors.get_topic_for_user(user, request.GET.get("topic")) if request.GET.get("topic") else \
        next((t for t in topics if t.pk == selectors.latest_topic_id(unit)),
             next((t for t in topics if t.institution_id == unit.institution_id), topics[0]))
    bucket = _bucket(request, topic, unit)
    crumbs = [u for u in ancestors(unit) if has_role(user, selectors.READERS, u)]
    total = selectors.coverage(topic, bucket, unit)
    children = selectors.coverage_children(topic, bucket, unit)
    own = selectors.Coverage(total.in_scope - sum(c.in_scope for _u, c in children),
                             total.reached - sum(c.reached for _u, c in children))
    return render(request, "socialisation/coverage.html", {
        "topics": topics, "topic": topic, "bucket": bucket, "periods": _periods(), "unit": unit, "crumbs": crumbs,
        "total": total, "children": children, "own": own,
        "refreshed": selectors.headcount_refreshed_at(unit),
        "can_refresh": has_role(user, (Role.ADMIN, Role.HR), unit)})


@login_required
@require_GET
def not_reached(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.coverage_unit(user, request.GET.get("unit"))
    topic = selectors.get_topic_for_user(user, request.GET.get("topic"))
    bucket = _bucket(request)
    page = parse_page(request.GET.get("page"))
    rows = list(selectors.not_reached(topic, bucket, unit)[(page - 1) * PAGE_SIZE:page * PAGE_SIZE + 1])
    return render(request, "socialisation/not_reached.html", {
        "topic": topic, "bucket": bucket, "unit": unit, "rows": rows[:PAGE_SIZE], "page": page,
        "has_next": len(rows) > PAGE_SIZE, "querystring": f"unit={unit.pk}&topic={topic.pk}&period={bucket}"})


@login_required
@require_GET
def coverage_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    unit = selectors.coverage_unit(user, request.GET.get("unit"))
    topic = selectors.get_topic_for_user(user, request.GET.get("topic"))
    bucket = _bucket(request)
    total = selectors.coverage(topic, bucket, unit)
    children = selectors.coverage_children(topic, bucket, unit)
    record(actor=user, action="social.coverage_exported", target=topic, unit=unit, detail={"format": fmt})
    header = [_("Unit"), _("In scope"), _("Attended"), _("Not yet"), _("Percent")]
    units = [[u.name, c.in_scope, c.reached, c.not_reached, c.percent] for u, c in [(unit, total), *children]]
    people_header = [_("Name"), _("NIP / employee number"), _("Position"), _("Unit")]
    people = ([e.name, e.nip or e.employee_number or "", e.position, e.unit.name]
              for e in selectors.not_reached(topic, bucket, unit)[:100_000].iterator(chunk_size=2000))
    name = f"cakupan-sosialisasi-{topic.key}-{bucket}-{unit.code}".replace("/", "-").replace(" ", "-")
    if fmt == "csv":
        return _csv(name, header, units)
    return _xlsx(name, [(_("Coverage"), header, units), (_("Not yet attended"), people_header, people)])


@login_required
@require_POST
def refresh_headcounts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = selectors.coverage_unit(user, request.POST.get("unit"))
    if not has_role(user, (Role.ADMIN, Role.HR), unit):
        raise Http404
    from marwah.socialisation.tasks import refresh_headcounts_task

    record(actor=user, action="social.headcounts_requested", target=unit.institution, unit=unit)
    refresh_headcounts_task.enqueue(unit.institution_id)
    messages.success(request, _("The number of people per unit is being recounted."))
    return redirect(reverse("socialisation:coverage") + f"?unit={unit.pk}")


# --- Topics and outreach ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.role_paths(user, selectors.READERS):
        raise Http404
    editors = [g.institution_id for g in selectors.grants(user) if g.role in (Role.ADMIN, Role.HR)]
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        if not editors:
            raise Http404
        if form.is_valid():
            from marwah.orgs.models import Institution

            services.create_topic(actor=user, institution=Institution.objects.get(pk=editors[0]), **form.cleaned_data)
            messages.success(request, _("Topic added."))
            return redirect("socialisation:topics")
    return render(request, "socialisation/topics.html", {
        "topics": selectors.topics_for_user(user).prefetch_related("materials"),
        "form": form if editors else None}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.role_paths(user, selectors.READERS):
        raise Http404
    units = selectors.organiser_units(user)
    form = OutreachForm(request.POST or None, units=units, topics=selectors.topics_for_user(user),
                        initial={"date": timezone.localdate()})
    if request.method == "POST":
        if not selectors.role_paths(user, selectors.ORGANISERS):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            services.create_outreach(actor=user, unit=data["unit"], day=data["date"], channel=data["channel"],
                                     title=data["title"], topic=data["topic"], link=data["link"] or "",
                                     reach=data["reach"])
            messages.success(request, _("Outreach item recorded."))
            return redirect("socialisation:outreach")
    since = timezone.localdate() - timedelta(days=365)
    return render(request, "socialisation/outreach.html", {
        "items": selectors.outreach_for_user(user).filter(date__gte=since)[:200],
        "form": form if selectors.role_paths(user, selectors.ORGANISERS) else None},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def programmes(request: HttpRequest) -> HttpResponse:
    """Series of sessions; organisers create them for a unit in their scope."""
    user = _user(request)
    if not selectors.role_paths(user, selectors.READERS):
        raise Http404
    is_organiser = bool(selectors.role_paths(user, selectors.ORGANISERS))
    form = ProgrammeForm(request.POST or None, units=selectors.organiser_units(user),
                         topics=selectors.topics_for_user(user))
    if request.method == "POST":
        if not is_organiser:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            services.create_programme(actor=user, unit=data["unit"], title=data["title"],
                                      organiser_role=selectors.organiser_role_at(user, data["unit"]),
                                      topics=list(data["topics"]), employment_types=data["employment_types"],
                                      description=data["description"])
            messages.success(request, _("Programme saved."))
            return redirect("socialisation:programmes")
    items = selectors.programmes_for_user(user).prefetch_related("topics", "sessions").order_by("-created_at")[:100]
    return render(request, "socialisation/programmes.html", {
        "programmes": items, "form": form if is_organiser else None}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    """A topic's short quiz, for anyone of the topic's institution; the score is shown, not stored."""
    employee = selectors.participant(request)
    topic = selectors.get_topic_for_participant(_user(request), employee, pk)
    score = None
    answers: dict[int, int] = {}
    if request.method == "POST":
        for i in range(len(topic.quiz)):
            choice = parse_id(request.POST.get(f"q{i}"))
            if choice is not None:
                answers[i] = choice
        score = services.quiz_score(topic, answers)
    items = [{"index": i, "q": item["q"], "options": list(enumerate(item["options"])), "chosen": answers.get(i),
              "answer": item["answer"]} for i, item in enumerate(topic.quiz)]
    return render(request, "socialisation/quiz.html", {"topic": topic, "items": items, "score": score,
                                                        "total": len(items)})
