"""The audit log for auditors: who did or read what, when; and the chain check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

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
    rows = list(selectors.entries_for_user(user, **filters)[(page - 1) * PAGE: page * PAGE + 1])
    querystring = request.GET.copy()
    querystring.pop("page", None)
    entries = rows[:PAGE]
    units = Unit.objects.in_bulk({e.unit_id for e in entries if e.unit_id}, field_name="id")
    for entry in entries:
        entry.unit_name = units[entry.unit_id].name if entry.unit_id in units else ""  # type: ignore[attr-defined]
    return render(request, "audit/log.html", {
        "entries": entries, "filters": filters, "page": page, "has_next": len(rows) > PAGE,
        "querystring": querystring.urlencode(),
    })


@require_POST
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    checked, broken, why = verify_chains()
    audit.record(actor=user, action="audit.verify", detail={"checked": checked, "ok": not why})
    return render(request, "audit/verify.html", {"checked": checked, "broken": broken, "why": why})
