"""Navigation: identity custodians reach their requests (the public channel needs no menu entry).

The page of keys held for teams below is linked from the profile page, not the menu: finding out
whether someone holds such keys costs a query, and the menu is built on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    out: list[NavItem] = []
    if not user.is_authenticated:
        return out
    if has_role(user, Role.IDENTITY_CUSTODIAN):  # type: ignore[arg-type]
        out.append(NavItem(_("Identity requests"), reverse("identity:inbox"), "identity"))
    return out
