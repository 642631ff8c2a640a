"""Browsing the organisation tree within one's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from marwah.accounts.models import User
from marwah.accounts.selectors import (
    ORG_READERS,
    get_unit_for_user,
    has_role,
    root_units_for_user,
    units_for_user,
)
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
