from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from marwah.core.nav import nav_items


def marwah(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = nav_items(request) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "DEMO_MODE": settings.DEMO_MODE}
