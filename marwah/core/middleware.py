"""Request hygiene shared by every view."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict


def _without_nul(data: QueryDict) -> QueryDict | None:
    if not any("\x00" in v for values in data.lists() for v in values[1]):
        return None
    clean = data.copy()
    for key, values in data.lists():
        clean.setlist(key, [v.replace("\x00", "") for v in values])
    clean._mutable = False
    return clean


class StripNulMiddleware:
    """NUL is never part of real text, and PostgreSQL refuses it in any text column or query.

    Views read search boxes straight from request.GET; rather than each guarding against it,
    NUL characters are removed from GET and POST values before any view sees them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clean_get = _without_nul(request.GET)
        if clean_get is not None:
            request.GET = clean_get  # type: ignore[assignment]  # made immutable above
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            clean_post = _without_nul(request.POST)
            if clean_post is not None:
                request.POST = clean_post  # type: ignore[assignment]  # made immutable above
        return self.get_response(request)


class IdleSessionMiddleware:
    """Idle expiry without a session write on every request.

    A session's expiry moves forward only when it is saved. Saving on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a database write per click, which a signing burst of
    millions cannot afford; touching the session at most once a minute keeps the idle limit
    exact to the minute. Anonymous visitors without a session are left alone. A store that renews
    the session when it reads it (core.sessions on Redis) needs no touch: the session is only read.
    """

    TOUCH_EVERY = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        now = int(time.time())
        if session is not None and session.session_key:
            if getattr(session, "renews_on_read", False):
                session.get("_touched")  # the read (due anyway for the user) is the renewal
            elif now - int(session.get("_touched", 0)) >= self.TOUCH_EVERY:
                session["_touched"] = now
        response = self.get_response(request)
        # A session saved anyway (a new login, a one-time code) starts its minute now.
        session = getattr(request, "session", None)
        if session is not None and session.modified and not session.is_empty():
            session["_touched"] = now
        return response


class HeadAsGetMiddleware:
    """HEAD answers like GET (RFC 9110), without a body.

    Function views guarded by require_GET / require_http_methods(["GET", ...]) would answer
    405 to HEAD. The view runs as for GET (GET is safe, so is HEAD) and the body is dropped.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
