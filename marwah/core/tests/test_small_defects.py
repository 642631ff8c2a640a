"""Issue 7.7: small defects found on the way."""

from __future__ import annotations

import io
import logging

from django.test import Client
from django.urls import reverse


def test_empty_post_after_the_receipt_rate_limit_is_not_a_500(db, settings):
    settings.MARWAH_RECEIPT_RATE = "2/m"
    client = Client(raise_request_exception=True)
    for _ in range(2):
        client.post(reverse("reporting:return"), {"receipt": "0000000000000000"})
    response = client.post(reverse("reporting:return"), data="", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 429
    assert "tunggu" in response.content.decode()


def test_empty_post_to_my_report_is_not_a_500(db):
    response = Client(raise_request_exception=True).post(reverse("reporting:my_report"))
    assert response.status_code == 302


def test_too_many_fields_logs_one_line_not_a_traceback(db, settings):
    handler = next(h for h in logging.getLogger("django.security").handlers if h.get_name() == "security")
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        body = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 5))
        response = Client().post("/lapor/kembali/", data=body, content_type="application/x-www-form-urlencoded")
    finally:
        handler.setStream(old)
    assert response.status_code == 400
    logged = stream.getvalue()
    assert "Traceback" not in logged and logged.count("\n") == 1 and "DATA_UPLOAD_MAX_NUMBER_FIELDS" in logged


def test_head_is_answered_like_get_on_get_only_views(db, people, as_user):
    client = Client()
    for path in ["/lapor/", "/verifikasi/", "/health/", "/ikrar/kode/"]:
        assert client.head(path).status_code == client.get(path).status_code == 200, path
    admin = as_user(people.admin)
    for path in ["/", "/audit/", "/kasus/", "/ikrar/dokumen/"]:
        head = admin.head(path)
        assert head.status_code == 200 and head.content == b"", path
    assert client.head("/akun/keluar/").status_code == 405  # POST-only stays POST-only
