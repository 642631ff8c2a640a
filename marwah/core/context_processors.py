from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from marwah.core.chrome import header, page_token
from marwah.core.nav import chrome_urls


def marwah(request: HttpRequest) -> dict[str, Any]:
    # Lazy: fragments and mails rendered with the request never build the header and its menu. One
    # masked CSRF token for the page: Django's own processor would mask another for the header's forms.
    token = SimpleLazyObject(lambda: page_token(request))
    return {"csrf_token": token, "page_header": SimpleLazyObject(lambda: header(request, str(token))),
            "DEMO_MODE": settings.DEMO_MODE, "chrome_urls": chrome_urls()}
