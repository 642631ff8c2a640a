"""People registry: list, detail and import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marwah.accounts.models import User
from marwah.accounts.selectors import ORG_MANAGERS, ORG_READERS, get_unit_for_user, has_role, units_for_user
from marwah.core.params import parse_id, parse_page
from marwah.people import selectors, services
from marwah.people.forms import ImportForm, SearchForm
from marwah.people.importer import ImportFileError, check_file

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


def _import_units(user: User) -> list[tuple[int, str]]:
    units = units_for_user(user, ORG_MANAGERS).filter(depth__lte=2).order_by("path").only("id", "name", "depth")
    return [(u.pk, ("· " * u.depth) + u.name) for u in units[:1000]]


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, ORG_MANAGERS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, unit_choices=_import_units(user))
    if request.method == "POST" and form.is_valid():
        root = get_unit_for_user(user, form.cleaned_data["unit"], ORG_MANAGERS)
        upload = form.cleaned_data["file"]
        try:
            result = check_file(upload.file, upload.name,
                                resolve_units=lambda codes: set(services.units_by_code(root, codes)),
                                resolve_superiors=services.existing_refs)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = services.save_pending(result.rows) if not result.error_count else ""
            if token:
                request.session["people_import"] = {"token": token, "unit": root.pk, "name": upload.name}
            return render(request, "people/import_preview.html", {
                "result": result, "root": root, "filename": upload.name, "preview": result.rows[:20],
                "can_apply": bool(token),
            })
    return render(request, "people/import.html", {"form": form})


@require_POST
@login_required
def import_apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pending = request.session.get("people_import") or {}
    rows = services.load_pending(pending.get("token", ""))
    if rows is None:
        messages.error(request, _("This import has expired or was already applied. Upload the file again."))
        return redirect("people:import")
    root = get_unit_for_user(user, pending["unit"], ORG_MANAGERS)
    summary = services.import_employees(actor=user, root=root, rows=rows)
    services.drop_pending(pending["token"])
    request.session.pop("people_import", None)
    messages.success(request, _("Import finished: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                     % summary.__dict__)
    return redirect(f"/pegawai/?unit={root.pk}")
