from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.selectors import ORG_READERS, has_role
from marwah.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    if has_role(request.user, ORG_READERS):  # type: ignore[arg-type]
        return [NavItem(_("Units"), reverse("orgs:index"), "units")]
    return []
