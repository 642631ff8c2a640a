"""django-csp's middleware, with the policy text built once for the responses that all share it (issue 14).

`csp.middleware.CSPMiddleware` builds the header twice per response (the policy and the report-only
policy) from the settings: a dataclass `asdict`, copies of every directive, sorting and joining,
~0.05 ms of every page. Almost every response carries the same text: no view decorator changed the
policy and no template asked for a nonce. Those responses get the text built once per process by
django-csp's own `build_policy`; any other response (a `@csp_update`/`@csp_replace`/`@csp` view, a
page that used `request.csp_nonce`) goes through django-csp unchanged. A settings change (tests'
`override_settings`) empties the memo.
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
_built: dict[str, Any] = {}


def _policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, text, exempt attribute, excluded path prefixes) for the policy and the report-only one."""
    found = _built.get("policies")
    if found is None:
        found = tuple(
            (header, text, exempt, tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()))
            for header, text, exempt, name in (
                (HEADER, build_policy(), "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                (HEADER_REPORT_ONLY, build_policy(report_only=True), "_csp_exempt_ro",
                 "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
            ) if text)
        _built["policies"] = found
    return found  # type: ignore[no-any-return]


def _forget(**kwargs: Any) -> None:
    _built.clear()


setting_changed.connect(_forget)


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
                getattr(response, name, None) is not None for name in _CHANGED_BY_VIEW):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):  # as django-csp: Django's debug pages
            return response
        for header, text, exempt, excluded in _policies():
            if (header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(excluded)):
                response[header] = text
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
