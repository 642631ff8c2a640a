"""Browsing the organisation tree within one's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from marwah.accounts.models import Role, User
from marwah.accounts.selectors import (
    ORG_READERS,
    get_unit_for_user,
    has_role,
    root_units_for_user,
    units_for_user,
)
from marwah.core.params import parse_id
from marwah.orgs import selectors


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def unit_index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_role(user, ORG_READERS):
        raise PermissionDenied
    roots = root_units_for_user(user)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        results = list(units_for_user(user).filter(name__icontains=query).select_related("institution")
                       .order_by("depth", "name")[:50])
    elif len(roots) == 1:
        return redirect("orgs:detail", pk=roots[0].pk)
    return render(request, "orgs/index.html", {"roots": roots, "results": results, "q": query})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = get_unit_for_user(user, pk)
    chain = selectors.ancestors(unit)
    crumbs = [(a, has_role(user, ORG_READERS, a)) for a in chain]
    return render(request, "orgs/detail.html", {
        "unit": unit,
        "crumbs": crumbs,
        "children": selectors.children_with_counts(unit),
        "direct_staff": unit.employees.count(),
    })


@login_required
@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """htmx: units matching what was typed (or under a unit), within the scope of the given roles."""
    user = _user(request)
    roles = [r for r in request.GET.get("roles", "").split(",") if r in Role.values] or list(ORG_READERS)
    if not has_role(user, roles):
        raise PermissionDenied
    field = request.GET.get("field", "unit")[:40]
    query = request.GET.get(f"{field}__q", request.GET.get("q", ""))[:80]
    scope = units_for_user(user, roles)
    parent = None
    parent_id = parse_id(request.GET.get("parent"))
    if parent_id is not None:
        parent = get_unit_for_user(user, parent_id, roles)
    elif not query.strip():
        roots = root_units_for_user(user, roles)
        return render(request, "orgs/unit_pick_results.html", {
            "units": roots[: selectors.PICK_LIMIT], "base_url": _base_url(roles, field), "limit": selectors.PICK_LIMIT})
    units = selectors.pick_units(scope, query=query, parent=parent)
    return render(request, "orgs/unit_pick_results.html", {
        "units": units[: selectors.PICK_LIMIT], "more": len(units) > selectors.PICK_LIMIT, "query": query.strip(),
        "parent": parent, "base_url": _base_url(roles, field), "limit": selectors.PICK_LIMIT,
    })


def _base_url(roles: list[str], field: str) -> str:
    from django.urls import reverse

    return reverse("orgs:pick") + "?" + urlencode({"roles": ",".join(roles), "field": field})
