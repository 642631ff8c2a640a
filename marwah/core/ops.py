"""Operations: readiness checks, request ids and JSON log lines.

Logs never carry report content, receipts, names or query strings: a log line has the
request id, method, path (no query), status and timing, and whatever a logger says — and
no code logs personal data (reviewed with every new logger call).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("marwah.request")


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it looks like one, otherwise makes one; echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            if settings.LOG_REQUESTS:
                log.info("request", extra={"method": request.method, "path": request.path,
                                           "status": response.status_code,
                                           "ms": round((time.perf_counter() - started) * 1000, 1)})
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            out["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def _check(name: str, probe: Callable[[], None]) -> tuple[str, bool]:
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the reason goes to the log
        logging.getLogger("marwah.ready").exception("readiness check %s failed", name)
        return name, False
    return name, True


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"marwah:ready:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    if cache.get(key) != 1:
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _queue() -> None:
    if settings.TASK_BACKEND == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
    elif settings.TASK_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


def _storage() -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    probe = media / f".ready-{uuid.uuid4().hex}"
    probe.write_bytes(b"")
    probe.unlink()


@login_not_required
@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: database, cache, task queue and file storage answer."""
    checks = dict(_check(name, probe) for name, probe in
                  [("database", _database), ("cache", _cache), ("queue", _queue), ("storage", _storage)])
    ok = all(checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
