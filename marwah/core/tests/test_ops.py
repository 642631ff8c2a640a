"""Readiness, request ids and JSON log lines."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from marwah.core.ops import JsonFormatter, RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db


def test_ready_reports_every_dependency(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    response = client.get(reverse("core:ready"))
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": True, "cache": True, "queue": True, "storage": True}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_ready_says_unavailable_when_the_cache_loses_writes(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(reverse("core:ready"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] is False


def test_request_id_is_echoed_and_a_bad_one_replaced(client):
    good = client.get(reverse("core:health"), HTTP_X_REQUEST_ID="abcdef0123456789")
    assert good["X-Request-ID"] == "abcdef0123456789"
    bad = client.get(reverse("core:health"), HTTP_X_REQUEST_ID="<script>")
    assert bad["X-Request-ID"] != "<script>" and len(bad["X-Request-ID"]) == 32


def test_request_log_line_is_json_with_path_but_no_query(client, settings, caplog):
    settings.LOG_REQUESTS = True
    logger = logging.getLogger("marwah.request")  # does not propagate: attach the capture handler
    logger.addHandler(caplog.handler)
    try:
        client.get(reverse("core:health") + "?receipt=1234567812345678", HTTP_X_REQUEST_ID="req-00000001")
    finally:
        logger.removeHandler(caplog.handler)
    [record] = [r for r in caplog.records if r.name == "marwah.request"]
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == reverse("core:health") and line["status"] == 200
    assert "1234567812345678" not in json.dumps(line)


def test_formatter_carries_the_current_request_id():
    token = request_id_var.set("rid-12345678")
    try:
        record = logging.LogRecord("marwah.x", logging.WARNING, __file__, 1, "hello %s", ("there",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "rid-12345678" and line["message"] == "hello there"
