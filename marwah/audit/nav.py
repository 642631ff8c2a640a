from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.audit.selectors import can_read_audit
from marwah.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    if can_read_audit(request.user):  # type: ignore[arg-type]
        return [NavItem(_("Audit log"), reverse("audit:log"), "audit")]
    return []
