"""Socialisation in the menu and on the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.core.nav import NavItem, Panel
from marwah.socialisation import selectors


def items(request: HttpRequest) -> list[NavItem]:
    if not request.user.is_authenticated:
        return []
    return [NavItem(_("Socialisation"), reverse("socialisation:index"), "socialisation")]


def panels(request: HttpRequest) -> list[Panel]:
    employee = selectors.participant(request)
    if employee is None:
        return []
    upcoming = selectors.upcoming_for(employee, days=14)
    if not upcoming:
        return []
    return [Panel("socialisation/panel_upcoming.html", {"sessions": upcoming}, order=15)]
