from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.core.nav import NavItem, Panel
from marwah.rules.selectors import can_read


def items(request: HttpRequest) -> list[NavItem]:
    if getattr(request.user, "is_authenticated", False) and can_read(request.user):  # type: ignore[arg-type]
        return [NavItem(_("Regulations"), reverse("rules:index"), "rules")]
    return []


def panels(request: HttpRequest) -> list[Panel]:
    return []
