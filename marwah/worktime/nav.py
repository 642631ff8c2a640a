from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.selectors import has_role
from marwah.core.nav import NavItem
from marwah.worktime.selectors import HOLIDAY_READERS


def items(request: HttpRequest) -> list[NavItem]:
    if has_role(request.user, HOLIDAY_READERS):  # type: ignore[arg-type]
        return [NavItem(_("Holidays"), reverse("worktime:holidays"), "holidays")]
    return []
