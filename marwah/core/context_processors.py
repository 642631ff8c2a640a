from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from marwah.core.nav import nav_menu


def marwah(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: fragments and mails rendered with the request never build the menu.
    menu = SimpleLazyObject(lambda: nav_menu(request)) if user is not None and user.is_authenticated else ""
    return {"nav_menu": menu, "DEMO_MODE": settings.DEMO_MODE}
