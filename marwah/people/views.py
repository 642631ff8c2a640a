"""People registry: list, detail and import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from marwah.accounts.models import User
from marwah.accounts.selectors import ORG_MANAGERS, ORG_READERS, get_unit_for_user, has_role
from marwah.core.params import parse_id, parse_page
from marwah.people import selectors, services
from marwah.people.forms import ImportForm, SearchForm
from marwah.people.models import ImportJob

PAGE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, ORG_READERS):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    unit = None
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id is not None:
        unit = get_unit_for_user(user, unit_id)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.employees_for_user(user, unit=unit, query=data.get("q", ""),
                                      employment_type=data.get("type", ""))
    page = parse_page(request.GET.get("page"))
    # Fetch one extra row instead of counting: a count over millions of people is not free.
    rows = list(qs[(page - 1) * PAGE: page * PAGE + 1])
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(request, "people/list.html", {
        "form": form, "employees": rows[:PAGE], "unit": unit, "page": page,
        "has_next": len(rows) > PAGE, "querystring": querystring.urlencode(),
        "can_import": has_role(user, ORG_MANAGERS),
    })


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    employee = selectors.get_employee_for_user(user, pk)
    return render(request, "people/detail.html", {
        "employee": employee, "can_manage": has_role(user, ORG_MANAGERS, employee.unit)})


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, ORG_MANAGERS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        root = get_unit_for_user(user, form.cleaned_data["unit"], ORG_MANAGERS)
        job = services.start_import(actor=user, root=root, upload=form.cleaned_data["file"],
                                    language=getattr(request, "LANGUAGE_CODE", ""))
        return redirect("people:import_job", pk=job.pk)
    return render(request, "people/import.html", {"form": form})


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    """Only the person who uploaded the file sees its job (the file may hold anyone's data)."""
    job = ImportJob.objects.select_related("root").filter(pk=pk, created_by=_user(request)).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "people/import_job.html", {"job": _job_for(request, pk)})


@never_cache
@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "people/_import_status.html", {"job": _job_for(request, pk)})


@require_POST
@login_required
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    job = _job_for(request, pk)
    get_unit_for_user(user, job.root_id, ORG_MANAGERS)  # still allowed to import there
    if not services.request_apply(actor=user, job=job):
        messages.error(request, _("This import has expired or was already applied. Upload the file again."))
    return redirect("people:import_job", pk=job.pk)
