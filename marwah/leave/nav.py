from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import User
from marwah.core.nav import NavItem, Panel


def items(request: HttpRequest) -> list[NavItem]:
    from marwah.leave import selectors

    user = request.user
    if not isinstance(user, User):
        return []
    out = [NavItem(_("Leave"), reverse("leave:index"), "leave")]
    if selectors.may_supervise(user):
        out.append(NavItem(_("Leave supervision"), reverse("leave:supervision"), "leave_supervision"))
    return out


def panels(request: HttpRequest) -> list[Panel]:
    from marwah.leave import selectors

    user = request.user
    if not isinstance(user, User):
        return []
    waiting = selectors.waiting_count(user)
    notices = selectors.open_notice_count(user)
    if not waiting and not notices:
        return []
    return [Panel("leave/panel.html", {"waiting": waiting, "notices": notices}, order=4)]
