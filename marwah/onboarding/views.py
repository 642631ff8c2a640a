"""Invitations (HR and administrators) and account activation (public, by link or code)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from marwah.accounts import backends
from marwah.accounts import selectors as account_selectors
from marwah.accounts.models import User
from marwah.accounts.selectors import ORG_MANAGERS, has_role
from marwah.accounts.services import record_login
from marwah.accounts.signals import password_changed
from marwah.core.params import parse_id
from marwah.onboarding import selectors, services
from marwah.onboarding.forms import ActivateForm, BatchForm, CodeForm
from marwah.onboarding.models import Invitation
from marwah.orgs.models import Unit
from marwah.people import selectors as people_selectors
from marwah.people.models import Employee
from marwah.rules.catalog import role_unit_error

SESSION_KEY = "onboarding_invitation"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.can_manage(user):
        raise PermissionDenied
    return user


# --- Managing invitations ---------------------------------------------------------------------------

@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    query = request.GET.get("q", "")[:100]
    initial: dict[str, Any] = {}
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id is not None:
        initial["unit"] = unit_id
    return render(request, "onboarding/manage.html", {
        "form": BatchForm(initial=initial), "batches": selectors.batches_for_user(user),
        "invitations": selectors.invitations_for_user(user, query=query), "q": query,
        "address": services.short_address(),
    })


@login_required
@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = BatchForm(request.POST)
    if form.is_valid():
        unit = account_selectors.get_unit_for_user(user, form.cleaned_data["unit"], ORG_MANAGERS)
        batch = services.start_batch(actor=user, unit=unit, employment_types=form.cleaned_data["employment_types"])
        return redirect("onboarding:batch", pk=batch.pk)
    return render(request, "onboarding/manage.html", {
        "form": form, "batches": selectors.batches_for_user(user),
        "invitations": selectors.invitations_for_user(user), "address": services.short_address(),
    }, status=400)


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch_for_user(_manager(request), pk)
    return render(request, "onboarding/batch.html", {"batch": batch, "mine": batch.created_by_id == request.user.pk})


@never_cache
@login_required
@require_GET
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch_for_user(_manager(request), pk)
    return render(request, "onboarding/_batch_progress.html", {
        "batch": batch, "mine": batch.created_by_id == request.user.pk})


@never_cache
@login_required
@require_POST
def batch_codes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    batch = selectors.get_batch_for_user(user, pk)
    data = services.take_batch_codes(actor=user, batch=batch)
    if data is None:
        messages.error(request, _("The codes were already downloaded, or only the person who started the "
                                  "invitation may download them. Invite the remaining people again for new codes."))
        return redirect("onboarding:batch", pk=batch.pk)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kode-aktivasi-{batch.pk}.csv"'
    return response


def _employee_for_manager(user: User, pk: int) -> Employee:
    employee = Employee.objects.select_related("unit", "user").filter(pk=pk).first()
    if employee is None or not (user.is_superuser or has_role(user, ORG_MANAGERS, employee.unit)):
        raise Http404
    return employee


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invite_person(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    employee = _employee_for_manager(user, pk)
    if request.method == "POST":
        if employee.user_id is not None:
            messages.error(request, _("This person already has an account."))
            return redirect("onboarding:person", pk=employee.pk)
        issued = services.invite(actor=user, employee=employee, force_code=request.POST.get("channel") == "code")
        if request.POST.get("format") == "csv" and issued.code:
            response = HttpResponse(services.issued_codes_csv([issued]), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="kode-aktivasi-{employee.pk}.csv"'
            return response
        return render(request, "onboarding/issued.html", {
            "issued": issued, "address": services.short_address()})
    invitations = list(employee.invitations.order_by("-created_at")[:10])  # type: ignore[attr-defined]
    return render(request, "onboarding/person.html", {"employee": employee, "invitations": invitations})


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    invitation = selectors.get_invitation_for_user(user, pk)
    services.revoke(actor=user, invitation=invitation)
    messages.success(request, _("The invitation was withdrawn; its link or code no longer works."))
    return redirect("onboarding:person", pk=invitation.employee_id)


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    employee = _employee_for_manager(user, pk)
    if employee.user_id == user.pk:
        messages.error(request, _("You cannot switch off your own account."))
        return redirect("onboarding:person", pk=employee.pk)
    removed = services.deactivate_account(actor=user, employee=employee)
    messages.success(request, _("The account is switched off and its roles removed; the person left %(n)s "
                                "case team(s).") % {"n": removed})
    return redirect("onboarding:person", pk=employee.pk)


def invite_for_role(request: HttpRequest, *, form: forms.Form, unit: Unit) -> HttpResponse | None:
    """Roles page: the NIP has no account. Invite the person with the role attached (the role is
    granted on activation); otherwise put the reason on the form and return None."""
    user = _user(request)
    data = form.cleaned_data
    employee = people_selectors.employee_by_ref_for_user(user, data["username"], ORG_MANAGERS)
    if employee is None or employee.user_id is not None:
        form.add_error("username", _("No account or person in your units with that username or NIP."))
        return None
    error = role_unit_error(data["role"], unit.kind)
    if error:
        form.add_error("role", error)
        return None
    issued = services.invite(actor=user, employee=employee, role=data["role"], role_unit=unit,
                             role_is_chair=data["is_chair"])
    return render(request, "onboarding/issued.html", {"issued": issued, "address": services.short_address()})


# --- Activation (public) ----------------------------------------------------------------------------

def _start(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[SESSION_KEY] = invitation.pk
    return redirect("onboarding:activate")


@login_not_required
@never_cache
@ratelimit(key="ip", rate="10/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """The short address: a person without email types the activation code they were given."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            invitation = services.find_open(code=form.cleaned_data["code"])
            if invitation is not None:
                return _start(request, invitation)
            form.add_error("code", _("This code is not valid, was already used or has expired. Ask your HR "
                                     "office for a new one."))
    return render(request, "onboarding/code.html", {"form": form}, status=status)


@login_not_required
@never_cache
@require_GET
def link(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_open(token=token)
    if invitation is None:
        return render(request, "onboarding/invalid.html", status=404)
    # The token leaves the address bar at once; the session carries the invitation on.
    return _start(request, invitation)


@login_not_required
@never_cache
@ratelimit(key="ip", rate="20/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    pk = request.session.get(SESSION_KEY)
    invitation = (Invitation.objects.select_related("employee", "employee__unit", "role_unit", "created_by")
                  .filter(pk=pk).first() if pk else None)
    if invitation is None or not invitation.is_open:
        request.session.pop(SESSION_KEY, None)
        return render(request, "onboarding/invalid.html", status=404)
    employee = invitation.employee
    username = services.username_for(employee)
    form = ActivateForm(request.POST or None, user=User(username=username, first_name=employee.name,
                                                        email=employee.email))
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password1"]
        try:
            new_user = services.activate(invitation=invitation, password=password)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, new_user, backend=backends.PATH)
            password_changed.send(sender=User, request=request, user=new_user, password=password,
                                  old_password=None)
            record_login(user=new_user, verified=False)
            messages.success(request, _("Your account is active. Your username is %(username)s (you may also "
                                        "log in with your NIP).") % {"username": new_user.username})
            if account_selectors.requires_two_factor(new_user):
                return redirect(f"{reverse('accounts:two_factor_setup')}?next={reverse('core:home')}")
            return redirect("core:home")
    return render(request, "onboarding/activate.html", {
        "form": form, "invitation": invitation, "employee": employee, "username": username,
        "needs_2fa": bool(invitation.role and invitation.role != "employee"),
    }, status=400 if request.method == "POST" else 200)
