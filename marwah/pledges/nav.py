"""Pledges in the menu and on the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marwah.core.nav import NavItem, Panel
from marwah.pledges import selectors


def items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(str(_("Pledges")), reverse("pledges:index"), "pledges")]


def panels(request: HttpRequest) -> list[Panel]:
    out: list[Panel] = []
    employee = selectors.signer_employee(request)
    if employee is not None:
        pending = selectors.pending_for_employee(employee)
        if pending:
            out.append(Panel("pledges/panel_pending.html", {"pending": pending}, order=10))
    user = request.user
    if user.is_authenticated and selectors.role_paths(user, selectors.READERS):
        campaigns = list(selectors.campaigns_for_user(user).filter(status="active").order_by("-created_at")[:3])
        rows = []
        for campaign in campaigns:
            unit = selectors.coverage_unit(user, campaign)
            rows.append((campaign, unit, selectors.totals(campaign, unit)))
        if rows:
            out.append(Panel("pledges/panel_campaigns.html", {"rows": rows}, order=20))
    return out
