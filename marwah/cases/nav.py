from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem, Panel

HANDLER_ROLES = (Role.SATGAS_PKS, Role.NEUTRALITY_TEAM, Role.ETHICS, Role.HR, Role.UNIT_LEADER)


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    out = []
    if has_role(user, HANDLER_ROLES):  # type: ignore[arg-type]
        out.append(NavItem(_("Cases"), reverse("cases:inbox"), "cases"))
    if has_role(user, Role.NEUTRALITY_TEAM):  # type: ignore[arg-type]
        out.append(NavItem(_("Neutrality lead"), reverse("cases:lead"), "lead"))
    if has_role(user, Role.ADMIN):  # type: ignore[arg-type]
        out.append(NavItem(_("Case deadlines"), reverse("cases:deadlines"), "case_deadlines"))
    return out


def panels(request: HttpRequest) -> list[Panel]:
    from marwah.cases.selectors import attention_counts

    user = request.user
    if not has_role(user, HANDLER_ROLES):  # type: ignore[arg-type]
        return []
    counts = attention_counts(user)  # type: ignore[arg-type]
    if not counts["open"]:
        return []
    return [Panel("cases/panel.html", counts, order=5)]
