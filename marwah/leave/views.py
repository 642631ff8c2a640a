"""Leave and permissions: request on a phone, decide in writing, letters, attendance, supervision."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marwah.accounts.models import User
from marwah.accounts.selectors import get_unit_for_user, has_role, units_for_user
from marwah.core.params import parse_id
from marwah.leave import absence, letters, selectors, services
from marwah.leave.attendance import check_file
from marwah.leave.forms import (
    CorrectionForm,
    DecisionForm,
    DelegationForm,
    ImportForm,
    MarkForm,
    PermissionTypeForm,
    RecallForm,
    RequestForm,
)
from marwah.leave.models import PermissionType
from marwah.people.importer import ImportFileError
from marwah.rules import absence as table
from marwah.rules import leave as rules
from marwah.rules.sanctions import SANCTIONS


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    employee = selectors.employee_of(user)
    balance = selectors.current_balance(employee) if employee and employee.employment_type in (
        rules.PNS, rules.PPPK) else None
    return render(request, "leave/index.html", {
        "employee": employee, "balance": balance, "mine": selectors.my_requests(user),
        "waiting": selectors.waiting_for(user), "notices": selectors.open_notice_count(user),
        "is_hr": has_role(user, selectors.HR_ROLES), "supervises": selectors.may_supervise(user),
    })


def _type_choices(employee: Any) -> list[tuple[str, Any]]:
    services.ensure_permission_types(employee.institution_id)
    leave = [(t.code, t.label) for t in rules.requestable_types(employment_type=employee.employment_type,
                                                                gender=employee.gender)]
    perms = [(f"perm:{p.pk}", p.name) for p in PermissionType.objects.filter(
        institution_id=employee.institution_id, is_active=True)]
    out: list[tuple[str, Any]] = [("", "—")]
    if leave:
        out.append((_("Leave"), leave))
    if perms:
        out.append((_("Short permission"), perms))
    return out


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    employee = selectors.employee_of(user)
    if employee is None:
        raise Http404
    form = RequestForm(request.POST or None, request.FILES or None, type_choices=_type_choices(employee))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.submit_request(actor=user, employee=employee, type_code=data["type"], start=data["start"],
                                          end=data["end"], reason=data["reason"], proof=data.get("proof"))
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Your request was sent to your superior in writing."))
            return redirect("leave:detail", pk=req.pk)
    balance = selectors.current_balance(employee) if employee.employment_type in (rules.PNS, rules.PPPK) else None
    return render(request, "leave/request_form.html", {"form": form, "balance": balance, "employee": employee})


@login_required
def request_estimate(request: HttpRequest) -> HttpResponse:
    """htmx: working days and the balance after this request, before sending."""
    user = _user(request)
    employee = selectors.employee_of(user)
    if employee is None:
        raise Http404
    ctx: dict[str, Any] = {}
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
        ctx["draft"] = services.check_draft(employee=employee, type_code=request.GET.get("type", ""), start=start,
                                            end=end)
    except ValueError:
        ctx["empty"] = True
    except ValidationError as exc:
        ctx["error"] = _errors(exc)
    return render(request, "leave/estimate.html", ctx)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    req = selectors.get_request_for_user(user, pk)
    return render(request, "leave/detail.html", _detail_context(user, req, DecisionForm(), RecallForm()))


def _detail_context(user: User, req: Any, form: DecisionForm, recall_form: RecallForm) -> dict[str, Any]:
    ltype = rules.get_type(req.leave_type) if req.leave_type else None
    return {
        "r": req, "type_label": letters.type_label(req), "ltype": ltype, "form": form, "recall_form": recall_form,
        "may_decide": services.may_decide(user, req), "may_recall": services.may_recall(user, req),
        "is_owner": req.employee.user_id == user.pk, "events": req.events.select_related("actor"),
        "may_cancel": req.employee.user_id == user.pk and (
            req.is_waiting or (req.status == "approved" and req.start > timezone.localdate())),
    }


@require_POST
@login_required
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    req = selectors.get_request_for_user(user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(actor=user, request=req, action=data["action"], note=data["note"],
                            start=data.get("start"), end=data.get("end"))
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Your decision was recorded in writing."))
            return redirect("leave:detail", pk=req.pk)
    return render(request, "leave/detail.html", _detail_context(user, req, form, RecallForm()), status=400)


@require_POST
@login_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    req = selectors.get_request_for_user(user, pk)
    try:
        services.cancel(actor=user, request=req, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The request was cancelled."))
    return redirect("leave:detail", pk=req.pk)


@require_POST
@login_required
def request_recall(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    req = selectors.get_request_for_user(user, pk)
    form = RecallForm(request.POST)
    if form.is_valid():
        try:
            services.recall(actor=user, request=req, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("The call-back was recorded."))
            return redirect("leave:detail", pk=req.pk)
    return render(request, "leave/detail.html", _detail_context(user, req, DecisionForm(), form), status=400)


@login_required
def request_letter(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_request_for_user(_user(request), pk)
    if not req.verify_code:
        raise Http404
    data = letters.letter_bytes(req)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="surat-cuti-{req.verify_code}.pdf"'
    return response


@login_required
def request_proof(request: HttpRequest, pk: int) -> FileResponse:
    req = selectors.get_request_for_user(_user(request), pk)
    if not req.proof:
        raise Http404
    return FileResponse(req.proof.open("rb"), as_attachment=True, filename=req.proof_name or "bukti")


# --- Delegation ---------------------------------------------------------------------------------------------


@login_required
def delegation(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        to_user = User.objects.filter(username=data["to"].strip(), is_active=True).first()
        if to_user is None:
            form.add_error("to", _("No active user has this username."))
        else:
            try:
                services.delegate(actor=user, to_user=to_user, start=data["start"], end=data["end"],
                                  reason=data["reason"])
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Delegation recorded."))
                return redirect("leave:delegation")
    return render(request, "leave/delegation.html", {"form": form, "rows": selectors.delegations_of(user)})


@require_POST
@login_required
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = selectors.delegations_of(user).filter(pk=pk, from_user=user).first()
    if row is None:
        raise Http404
    services.end_delegation(actor=user, delegation=row)
    return redirect("leave:delegation")


# --- HR: balances, permission types, attendance -----------------------------------------------------------------


def _require_hr(user: User) -> None:
    if not has_role(user, selectors.HR_ROLES):
        raise PermissionDenied


@login_required
def balances(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    year = parse_id(request.GET.get("year")) or timezone.localdate().year
    return render(request, "leave/balances.html", {
        "rows": selectors.balances_for_hr(user, year=year, query=request.GET.get("q", "")), "year": year,
        "q": request.GET.get("q", "")})


@login_required
def balance_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    balance = selectors.get_balance_for_hr(user, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_balance(actor=user, balance=balance, delta=form.cleaned_data["delta"],
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("The balance was corrected."))
            return redirect("leave:balances")
    return render(request, "leave/balance_correct.html", {
        "form": form, "balance": balance, "corrections": balance.corrections.select_related("actor")})


@login_required
def permission_types(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    employee = selectors.employee_of(user)
    if employee is None:
        raise Http404
    services.ensure_permission_types(employee.institution_id)
    form = PermissionTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_permission_type(actor=user, institution_id=employee.institution_id, name=data["name"],
                                          max_per_month=data["max_per_month"],
                                          needs_document=data["needs_document"],
                                          needs_official=data["needs_official"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Permission type saved."))
            return redirect("leave:permission_types")
    return render(request, "leave/permission_types.html", {
        "form": form, "rows": PermissionType.objects.filter(institution_id=employee.institution_id),
        "leave_types": rules.leave_types().values(), "annual": rules.annual_rules()})


@require_POST
@login_required
def permission_type_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    employee = selectors.employee_of(user)
    row = PermissionType.objects.filter(pk=pk, institution_id=employee.institution_id).first() if employee else None
    if row is None:
        raise Http404
    services.set_permission_type_active(actor=user, permission_type=row, active=not row.is_active)
    return redirect("leave:permission_types")


def _import_units(user: User) -> list[tuple[int, str]]:
    units = units_for_user(user, selectors.HR_ROLES).filter(depth__lte=3).order_by("path").only("id", "name", "depth")
    return [(u.pk, ("· " * u.depth) + u.name) for u in units[:1000]]


@login_required
def attendance_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    form = ImportForm(request.POST or None, request.FILES or None, unit_choices=_import_units(user))
    if request.method == "POST" and form.is_valid():
        root = get_unit_for_user(user, form.cleaned_data["unit"], selectors.HR_ROLES)
        upload = form.cleaned_data["file"]
        try:
            result = check_file(upload.file, upload.name, resolve=lambda refs: absence.resolve_refs(root, refs),
                                today=timezone.localdate())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = absence.save_pending(result.rows) if not result.error_count else ""
            if token:
                request.session["leave_import"] = {"token": token, "unit": root.pk}
            return render(request, "leave/import_preview.html", {
                "result": result, "root": root, "filename": upload.name, "can_apply": bool(token),
                "present": sum(1 for r in result.rows if r[2])}, status=200 if token else 400)
    return render(request, "leave/import.html", {"form": form})


@require_POST
@login_required
def attendance_apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    pending = request.session.get("leave_import") or {}
    rows = absence.load_pending(pending.get("token", ""))
    if rows is None:
        messages.error(request, _("This import has expired or was already applied. Upload the file again."))
        return redirect("leave:import")
    root = get_unit_for_user(user, pending["unit"], selectors.HR_ROLES)
    summary = absence.apply_import(actor=user, root=root, rows=rows)
    absence.drop_pending(pending["token"])
    request.session.pop("leave_import", None)
    messages.success(request, _("Attendance imported: %(rows)s rows for %(people)s people; %(notices)s new "
                                "threshold notices.") % summary.__dict__)
    return redirect("leave:index")


@login_required
def attendance_mark(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_hr(user)
    form = MarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employee = selectors.get_employee_for_hr(user, data["ref"])
        if employee is None:
            form.add_error("ref", _("No employee with this NIP or number in your units."))
        else:
            try:
                absence.mark_day(actor=user, employee=employee, day=data["day"], status=data["status"],
                                 reason=data["reason"])
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The day was marked."))
                return redirect("leave:mark")
    return render(request, "leave/mark.html", {"form": form})


# --- Threshold notices and supervision ---------------------------------------------------------------------------


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = list(selectors.notices_for(user))
    people = selectors.employee_names({n.employee_id for n in rows})
    items = [{"notice": n, "employee": people.get(n.employee_id), "sanction": SANCTIONS[n.sanction_code]}
             for n in rows]
    return render(request, "leave/notices.html", {"items": items, "duty": table.SUPERIOR_MUST_EXAMINE})


@require_POST
@login_required
def notice_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    notice = selectors.get_notice_for_user(user, pk)
    public_id = absence.open_case(actor=user, notice=notice)
    messages.success(request, _("A discipline case was opened for the superior and HR."))
    return redirect("cases:detail", public_id)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_supervise(user):
        raise PermissionDenied
    units = selectors.supervised_units(user)
    unit_id = parse_id(request.GET.get("unit"))
    unit = selectors.get_supervised_unit(user, unit_id) if unit_id else (units[0] if units else None)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    month = today.replace(day=1)
    near = selectors.near_threshold(unit, today.year)
    people = selectors.employee_names({c.employee_id for c in near})
    return render(request, "leave/supervision.html", {
        "unit": unit, "units": units, "waiting": selectors.waiting_too_long(unit),
        "rates": selectors.absence_rates(unit, month), "month": month,
        "near": [{"c": c, "employee": people.get(c.employee_id),
                  "sanction": table.absence_sanction(days_in_year=c.days, consecutive_working_days=c.longest_run),
                  "next": table.next_threshold(c.days)} for c in near],
        "too_long_days": selectors.WAITING_TOO_LONG_DAYS,
    })
