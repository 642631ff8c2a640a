"""Every page, for every kind of visitor, with odd query strings: never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ODD = "?page=%C2%B2&unit=%C2%B2&q=%00%27%22<x>&institution=99999999999999999999999&campaign=-1&status=nonsense"


def _paths():
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("i18n/", "jsi18n/")):
                    continue
                # Fill converters with ids/codes that do not exist.
                route = re.sub(r"<int:[^>]+>", "987654", route)
                route = re.sub(r"<(?:str|slug)?:?[^>]+>", "tidak-ada", route)
                out.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted(set(out))


PATHS = _paths()


@pytest.mark.parametrize("who", ["anonymous", "employee", "outsider", "admin", "satgas_jateng", "auditor"])
def test_no_page_answers_500(who, people, as_user):
    client = Client() if who == "anonymous" else as_user(getattr(people, who))
    failures = []
    for path in PATHS:
        for query in ("", ODD):
            response = client.get(path + query)
            if response.status_code >= 500:
                failures.append((path + query, response.status_code))
    assert failures == []


ODD_FORM = {"unit": "²", "page": "²", "institution": "9" * 30, "q": "\x00", "token": "²", "username": "²",
            "password": "", "deadline": "31-02-2026", "file": "not a file", "category": "x", "kind": "x",
            "receipt": "²" * 16, "code": "'; DROP TABLE x;--", "status": "nonsense", "text": "",
            "people": ["²", "-1"], "employment_types": ["x"], "version": "²", "reason": ""}


@pytest.mark.parametrize("who", ["anonymous", "employee", "admin", "satgas_jateng"])
def test_no_form_post_answers_500(who, people, as_user):
    client = Client() if who == "anonymous" else as_user(getattr(people, who))
    failures = []
    for path in PATHS:
        if path.startswith("/akun/keluar"):
            continue
        for data in ({}, ODD_FORM):
            response = client.post(path, data)
            if response.status_code >= 500:
                failures.append((path, bool(data), response.status_code))
    assert failures == []
