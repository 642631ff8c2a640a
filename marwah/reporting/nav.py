"""Navigation: identity custodians reach their requests (the public channel needs no menu entry)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem
from marwah.reporting import escrow

ABOVE_ROLES = (Role.SATGAS_PKS, Role.NEUTRALITY_TEAM, Role.ETHICS, Role.UNIT_LEADER, Role.HR)


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    out: list[NavItem] = []
    if not user.is_authenticated:
        return out
    if has_role(user, Role.IDENTITY_CUSTODIAN):  # type: ignore[arg-type]
        out.append(NavItem(_("Identity requests"), reverse("identity:inbox"), "identity"))
    if has_role(user, ABOVE_ROLES) and escrow.holds_any_above(user):  # type: ignore[arg-type]
        out.append(NavItem(_("Keys held for teams"), reverse("identity:held_above"), "held_above"))
    return out
