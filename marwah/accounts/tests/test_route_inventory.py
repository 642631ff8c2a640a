"""Every route of the project, walked from the resolver: default-deny holds for each one.

The list is not written down here: it is read from `get_resolver().url_patterns`, so a route
added by any app is covered the day it is added. A route is public only when its view is
marked with Django's @login_not_required; the test fails if any other route lets an anonymous
visitor or a password-only session (a 2FA role that has not passed the second factor) through.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from conftest import make_person
from marwah.accounts.access import is_public, needs_second_factor
from marwah.accounts.middleware import DefaultDenyMiddleware
from marwah.accounts.models import Role

SAMPLES = ["1", "abc1", "a-b", str(uuid.UUID(int=1)), "a/b", "csv"]
# Views that are public by design; the test fails if one loses its marker.
MUST_BE_PUBLIC = {
    "accounts:login", "accounts:logout", "accounts:password_reset", "accounts:password_reset_done",
    "accounts:password_reset_confirm", "accounts:password_reset_complete", "core:health",
    "reporting:start", "reporting:form", "reporting:receipt", "reporting:return", "reporting:my_report",
    "verify:upload", "verify:detail", "pledges:code", "set_language", "javascript-catalog",
}
# Views a password-only session must reach: the second-factor pages themselves.
FIRST_FACTOR_ONLY = {"accounts:two_factor", "accounts:two_factor_setup", "accounts:logout"}


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    view: Any


def _sample(regex: str) -> str:
    for value in SAMPLES:
        if re.fullmatch(regex, value):
            return value
    raise AssertionError(f"no sample value matches converter regex {regex!r}")


def _fill_route(route: str, converters: dict[str, Any]) -> str:
    def sub(match: re.Match[str]) -> str:
        return _sample(converters[match.group("name")].regex)
    return re.sub(r"<(?:(?P<type>[^>:]+):)?(?P<name>[^>]+)>", sub, route)


def _fill_regex(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    return text.replace("\\", "")


def _part(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern._route), pattern.converters)
    assert isinstance(pattern, RegexPattern)
    return _fill_regex(pattern._regex)


def walk(patterns: list[Any] | None = None, prefix: str = "/", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += walk(entry.url_patterns, prefix + _part(entry.pattern), ns)
        else:
            assert isinstance(entry, URLPattern)
            url = prefix + _part(entry.pattern)
            routes.append(Route(f"{namespace}{entry.name or entry.lookup_str}", url, entry.callback))
    return routes


ROUTES = walk()


def test_the_walk_finds_every_route_and_fills_it_correctly():
    assert len(ROUTES) > 40
    for route in ROUTES:
        # The filled-in URL resolves back to the very view it was made from.
        assert resolve(route.url).func == route.view, route
    names = {r.name for r in ROUTES}
    assert MUST_BE_PUBLIC <= names and FIRST_FACTOR_ONLY <= names
    # The public channel and the staff side are two rooms: nothing of staff under /lapor/, and
    # every view under /lapor/ is a public one.
    assert not any(r.url.startswith("/lapor/staf/") for r in ROUTES), "staff pages belong under /kasus/"
    assert all(is_public(r.view) for r in ROUTES if r.url.startswith("/lapor/")), "only public views under /lapor/"


def test_known_public_views_stay_marked_and_nothing_else_is_public():
    public = {r.name for r in ROUTES if is_public(r.view)}
    assert MUST_BE_PUBLIC <= public
    for name in public:
        # Anything public lives in the public channel, the verification page, sign-in or a one-time-code page.
        assert name.split(":")[0] in {"accounts", "core", "reporting", "verify", "pledges", "set_language",
                                      "javascript-catalog", "onboarding", "socialisation", "elections",
                                      "leave"}, name


def _password_only_client(tree) -> Client:
    user = make_person(tree.jateng, username="half_signed_in", role=Role.SATGAS_PKS)
    client = Client(raise_request_exception=True)
    client.force_login(user)  # password only: no second factor in this session
    return client


def _gate(route: Route, client: Client):
    """What the default-deny middleware answers for this route and session, before any view runs."""
    from django.contrib.auth import get_user
    from django.test import RequestFactory
    from django_otp.middleware import OTPMiddleware

    request = RequestFactory().get(route.url)
    request.session = client.session
    request.user = get_user(request)
    OTPMiddleware(lambda r: None)._install_lazy_accessors(request)  # adds is_verified(), as in a request
    return DefaultDenyMiddleware(lambda r: None).process_view(request, route.view, (), {})


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_password_only_session_is_sent_to_the_second_factor(route, tree):
    client = _password_only_client(tree)
    passes_gate = _gate(route, client) is None
    for method in ("get", "post"):
        response = getattr(client, method)(route.url)
        to_second_factor = response.status_code == 302 and urlsplit(response["Location"]).path == "/akun/2fa/"
        if is_public(route.view) or not needs_second_factor(route.view):
            # Exactly the marked views pass the gate; what they answer is their own business.
            assert passes_gate, f"{route.url} ({route.name}) is marked public but the gate stopped it"
            assert response.status_code != 500
        else:
            assert not passes_gate
            assert to_second_factor, f"{method.upper()} {route.url} ({route.name}) skipped the second factor"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_anonymous_visitor_is_sent_to_login(route, db):
    client = Client(raise_request_exception=True)
    passes_gate = _gate(route, client) is None
    assert passes_gate == is_public(route.view), route.name
    for method in ("get", "post"):
        response = getattr(client, method)(route.url)
        to_login = response.status_code == 302 and urlsplit(response["Location"]).path == "/akun/masuk/"
        if is_public(route.view):
            assert response.status_code != 500, f"{method.upper()} {route.url} ({route.name})"
        else:
            assert to_login, f"{method.upper()} {route.url} ({route.name}) answered {response.status_code} to nobody"


def test_public_page_treats_a_password_only_session_as_nobody(tree):
    client = _password_only_client(tree)
    page = client.get("/lapor/").content.decode()
    assert "half_signed_in" not in page and 'action="/akun/keluar/"' not in page
    # A page serving both signed-in people and one-time-code sessions offers the second factor.
    response = client.get("/ikrar/")
    assert response.status_code == 302 and response["Location"] == "/akun/2fa/?next=/ikrar/"
    assert Client().get("/ikrar/")["Location"] == "/ikrar/kode/"


def test_head_answers_like_get(db):
    client = Client()
    get, head = client.get("/lapor/"), client.head("/lapor/")
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert client.head("/health/").status_code == 200
