from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from marwah.core.nav import NavItem, Panel


def items(request: HttpRequest) -> list[NavItem]:
    from marwah.monitoring.selectors import can_use_dashboard

    if not can_use_dashboard(request.user):  # type: ignore[arg-type]
        return []
    return [NavItem(_("Monitoring"), reverse("monitoring:dashboard"), "monitoring")]


def panels(request: HttpRequest) -> list[Panel]:
    from marwah.monitoring.selectors import can_use_dashboard

    if not can_use_dashboard(request.user):  # type: ignore[arg-type]
        return []
    return [Panel("monitoring/panel.html", {"url": reverse("monitoring:dashboard"),
                                            "reports_url": reverse("monitoring:reports")}, order=40)]
