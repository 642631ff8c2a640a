"""django-csp's middleware, with the policy text built once for the responses that all share it (issue 14).

`csp.middleware.CSPMiddleware` builds the header twice per response (the policy and the report-only
policy) from the settings: a dataclass `asdict`, copies of every directive, sorting and joining,
~0.05 ms of every page (twice that with a nonce). Almost every response carries the same text: no view
decorator changed the policy. Those responses get the text built once per process by django-csp's own
`build_policy`, and a page that used `request.csp_nonce` gets the text built once with a placeholder
nonce, its own nonce put in its place; a `@csp_update`/`@csp_replace`/`@csp` view goes through
django-csp unchanged. A settings change (tests' `override_settings`) empties the memo.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_CHANGED_BY_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro",
                    "_csp_replace_ro")
_built: dict[bool, Any] = {}
# Where a response's nonce goes in the text built once: django-csp's nonces are base64, never this.
_NONCE = "marwah-nonce-placeholder"


def _policies(*, nonce: bool) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, text, exempt attribute, excluded path prefixes) for the policy and the report-only one;
    with `nonce`, the text holds `_NONCE` where the response's nonce goes."""
    found = _built.get(nonce)
    if found is None:
        placeholder = _NONCE if nonce else None
        found = tuple(
            (header, text, exempt, tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()))
            for header, text, exempt, name in (
                (HEADER, build_policy(nonce=placeholder), "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                (HEADER_REPORT_ONLY, build_policy(nonce=placeholder, report_only=True), "_csp_exempt_ro",
                 "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
            ) if text)
        _built[nonce] = found
    return found  # type: ignore[no-any-return]


def _forget(**kwargs: Any) -> None:
    _built.clear()


setting_changed.connect(_forget)


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if any(getattr(response, name, None) is not None for name in _CHANGED_BY_VIEW):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):  # as django-csp: Django's debug pages
            return response
        nonce = getattr(request, "_csp_nonce", None)
        for header, text, exempt, excluded in _policies(nonce=nonce is not None):
            if (header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(excluded)):
                response[header] = text if nonce is None else text.replace(_NONCE, nonce)
        if nonce is not None:
            return response
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
