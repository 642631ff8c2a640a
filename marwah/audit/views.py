"""The audit log for auditors: who did or read what, when; and the chain check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marwah.accounts.models import User
from marwah.audit import selectors
from marwah.audit import services as audit
from marwah.audit.services import verify_chains
from marwah.core.params import parse_page
from marwah.orgs.models import Unit

PAGE = 100


def _auditor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not selectors.can_read_audit(user):
        raise PermissionDenied
    return user


@login_required
def log(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    filters = {k: request.GET.get(k, "").strip()[:64] for k in ("action", "actor", "target")}
    page = parse_page(request.GET.get("page"))
    query = dict(filters)
    case_pk = _case_pk(filters["target"])
    if case_pk is not None:  # a case number (KS-2026-000123) or public id: that case's entries
        query["target"], query["target_type"] = case_pk, "cases.case"
    rows = list(selectors.entries_for_user(user, **query)[(page - 1) * PAGE: page * PAGE + 1])
    querystring = request.GET.copy()
    querystring.pop("page", None)
    entries = rows[:PAGE]
    units = Unit.objects.in_bulk({e.unit_id for e in entries if e.unit_id}, field_name="id")
    references = _case_references([e.target_id for e in entries if e.target_type == "cases.case"])
    for entry in entries:
        entry.unit_name = units[entry.unit_id].name if entry.unit_id in units else ""  # type: ignore[attr-defined]
        entry.reference = references.get(entry.target_id, "") if entry.target_type == "cases.case" else ""  # type: ignore[attr-defined]
    return render(request, "audit/log.html", {
        "entries": entries, "filters": filters, "page": page, "has_next": len(rows) > PAGE,
        "querystring": querystring.urlencode(),
    })


def _case_pk(text: str) -> str | None:
    """Issue 9.15: the filter accepts a case's human reference or public id (not only the record id)."""
    if not text or text.isdigit():
        return None
    try:
        from marwah.cases.selectors import case_pk_for_reference
    except ImportError:
        return None
    return case_pk_for_reference(text)


def _case_references(ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    try:
        from marwah.cases.selectors import references_for
    except ImportError:
        return {}
    return references_for(ids)


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """GET explains the check and offers the button (issue 9.11: no bare 405); POST runs it."""
    user = _auditor(request)
    if request.method == "GET":
        return render(request, "audit/verify.html", {"ran": False})
    checked, broken, why = verify_chains()
    audit.record(actor=user, action="audit.verify", detail={"checked": checked, "ok": not why})
    return render(request, "audit/verify.html", {"ran": True, "checked": checked, "broken": broken, "why": why})
