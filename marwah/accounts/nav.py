from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import Role
from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    out = []
    if has_role(request.user, Role.ADMIN):  # type: ignore[arg-type]
        out.append(NavItem(_("Roles"), reverse("accounts:roles"), "roles"))
    out.append(NavItem(_("My account"), reverse("accounts:profile"), "profile"))
    return out
