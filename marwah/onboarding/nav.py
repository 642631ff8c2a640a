from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.core.nav import NavItem
from marwah.onboarding.selectors import can_manage


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if user.is_authenticated and can_manage(user):  # type: ignore[arg-type]
        return [NavItem(_("Invitations"), reverse("onboarding:manage"), "onboarding")]
    return []
