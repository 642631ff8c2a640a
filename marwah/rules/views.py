"""The regulation catalog page /aturan/: every rule, its citation, mark and use; PDF and CSV for review.

Read-only for everyone with a role above plain employee (others get 404); administrators set their
institution's own value where the rule allows it (audited).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marwah.accounts.models import User
from marwah.audit.services import record
from marwah.rules import catalog, selectors, services
from marwah.rules.forms import OverrideForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _filters(request: HttpRequest) -> dict[str, str]:
    area = request.GET.get("area", "").strip()[:32]
    mark = request.GET.get("mark", "").strip()[:16]
    return {"area": area if area in selectors.areas() else "", "mark": mark if mark in catalog.MARKS else ""}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = _filters(request)
    rows = selectors.rows(user, **filters)
    return render(request, "rules/index.html", {
        "rows": rows, "filters": filters, "areas": selectors.area_choices(), "marks": catalog.MARKS,
        "mark_help": catalog.MARK_HELP, "version": catalog.catalog_version(), "hash": catalog.content_hash(),
        "can_edit": bool(selectors.admin_institutions(user)),
        "querystring": request.GET.urlencode(),
    })


def _citations(item: catalog.Rule) -> str:
    return "; ".join(f"{c} [{catalog.MARKS[c.status]}]" for c in item.citations)


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.rows(user, **_filters(request))
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(buf)
    writer.writerow([_("Rule"), _("Area"), _("What it decides"), _("Default"), _("Citations"), _("Mark"),
                     _("Used in"), _("Institution values"), _("Note"), _("Catalog version")])
    version = catalog.catalog_version()
    for row in rows:
        item = row.rule
        overrides = "; ".join(f"{o.institution.name}: {o.display} ({o.note})" for o in row.overrides)
        if row.legacy:
            overrides = "; ".join(filter(None, [overrides, _("all institutions: %(v)s") % {"v": row.legacy}]))
        writer.writerow([item.key, item.area, str(item.decides), str(item.value), _citations(item),
                         str(item.mark_label), " ".join(row.used_in), overrides, str(item.note), version])
    record(actor=user, action="rules.exported", detail={"format": "csv", "rows": len(rows)})
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="katalog-aturan-{catalog.CATALOG_EDITION}.csv"'
    return response


@login_required
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    user = _user(request)
    rows = selectors.rows(user, **_filters(request))
    html = render_to_string("rules/catalog_pdf.html", {
        "rows": rows, "marks": catalog.MARKS, "mark_help": catalog.MARK_HELP, "version": catalog.catalog_version(),
        "hash": catalog.content_hash(), "now": timezone.localtime(), "user": user,
    }, request=request)
    pdf = HTML(string=html).write_pdf()
    record(actor=user, action="rules.exported", detail={"format": "pdf", "rows": len(rows)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="katalog-aturan-{catalog.CATALOG_EDITION}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def override_edit(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    selectors.require_reader(user)
    item = selectors.get_rule(key)
    institutions = selectors.admin_institutions(user)
    if not institutions:
        raise PermissionDenied
    if not item.overridable:
        messages.error(request, _("This rule is law and cannot be changed by an institution."))
        return redirect("rules:index")
    form = OverrideForm(request.POST or None, item=item, institutions=institutions)
    if request.method == "POST" and request.POST.get("reset") and form.is_bound:
        institution = next((i for i in institutions if str(i.pk) == request.POST.get("institution")), None)
        if institution is None:
            raise PermissionDenied
        services.clear_override(actor=user, key=key, institution=institution)
        messages.success(request, _("Back to the catalog default."))
        return redirect(f"{redirect('rules:index').url}#{key}")
    if request.method == "POST" and form.is_valid():
        try:
            services.set_override(actor=user, key=key, institution=form.cleaned_data["institution"],
                                  value=form.value(), note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved. It applies to decisions and deadlines from now on."))
            return redirect(f"{redirect('rules:index').url}#{key}")
    current = [o for o in selectors.rows(user) if o.rule.key == key]
    return render(request, "rules/override.html", {
        "rule": item, "form": form, "row": current[0] if current else None,
        "used_in": catalog.used_in(item)}, status=400 if form.errors else 200)
