from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.accounts.models import User
from marwah.core.nav import NavItem, Panel


def items(request: HttpRequest) -> list[NavItem]:
    from marwah.elections.selectors import can_view_calendar

    user = request.user
    if isinstance(user, User) and can_view_calendar(user):
        return [NavItem(_("Election watch"), reverse("elections:calendar"), "elections")]
    return []


def panels(request: HttpRequest) -> list[Panel]:
    """The running stage, days to the next and what to watch: for the team, leaders and HR."""
    from marwah.accounts.selectors import has_role
    from marwah.elections.catalog import form_choices
    from marwah.elections.selectors import PANEL_ROLES, WATCH_ROLES, running, upcoming

    user = request.user
    if not isinstance(user, User) or not has_role(user, PANEL_ROLES):
        return []
    return [Panel("elections/panel.html", {
        "running": running(), "upcoming": upcoming(), "forms": form_choices(),
        "can_watch": has_role(user, WATCH_ROLES),
    }, order=8)]
