"""Navigation: identity custodians reach their requests (the public channel needs no menu entry)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    if request.user.is_authenticated and has_role(request.user, Role.IDENTITY_CUSTODIAN):  # type: ignore[arg-type]
        return [NavItem(_("Identity requests"), reverse("identity:inbox"), "identity")]
    return []
