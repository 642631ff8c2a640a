"""Marwah settings: one file, every value from the environment (see docs/decisions.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from marwah.core.env import envbool, envint, envlist, envsecret, envstr
from marwah.core.secrets import local_secret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("MARWAH_DATA_DIR", str(BASE_DIR.parent / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
# Demo mode shows demo users their 2FA code on screen. It is refused outside a
# loopback-only SQLite install by the system check in marwah.core.checks.
DEMO_MODE = envbool("MARWAH_DEMO", False)
# Production is any run without DEBUG and without demo mode: secrets must come from the
# environment, TLS settings default on, SITE_URL must be set (marwah/core/checks.py).
# pytest sets PYTEST_VERSION: the suite runs over plain http with local secrets, and
# marwah/core/tests/test_production.py runs `check --deploy` with a production environment.
PRODUCTION = not DEBUG and not DEMO_MODE and not envstr("PYTEST_VERSION")
SECRET_KEY = local_secret("SECRET_KEY", DATA_DIR, nbytes=48, generate=not PRODUCTION)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The address people use, for links in emails and the QR codes of PDFs. Required in production.
SITE_URL = envstr("SITE_URL", "" if PRODUCTION else f"http://{envstr('MARWAH_BIND', '127.0.0.1:8000')}").rstrip("/")

INSTALLED_APPS = [
    "marwah.core",
    "marwah.audit",
    "marwah.orgs",
    "marwah.accounts",
    "marwah.people",
    "marwah.worktime",
    "marwah.pledges",
    "marwah.reporting",
    "marwah.cases",
    "marwah.onboarding",
    "marwah.socialisation",
    "marwah.elections",
    "marwah.leave",
    "marwah.monitoring",
    "marwah.rules",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "marwah.core.ops.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "marwah.core.csp.CSPMiddleware",  # django-csp's, the common policy text built once
    "marwah.core.middleware.StripNulMiddleware",
    "marwah.core.middleware.HeadAsGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marwah.reporting.browserkey.BrowserKeyMiddleware",
    "marwah.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marwah.accounts.middleware.OTPMiddleware",  # django-otp's, the device from the per-process memo
    "marwah.accounts.middleware.DefaultDenyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "marwah.urls"
WSGI_APPLICATION = "marwah.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marwah.core.context_processors.marwah",
            ],
        },
    }
]

# Database: SQLite by default, PostgreSQL by DATABASE_URL.
DATABASE_URL = envsecret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'marwah.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 600), conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when two writers upgrade a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if _db["ENGINE"] == "django.db.backends.postgresql" and envbool("PG_SERVER_SIDE_BINDING", False):
    # Prepared statements: +15% signings/s in benchmarks; not usable behind PgBouncer in
    # transaction-pooling mode, hence opt-in.
    _db.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
# Django's PostgreSQL backend with a health check that skips `SELECT 1` while the idle socket is quiet.
POSTGRES_ENGINES = ("django.db.backends.postgresql", "marwah.core.pgbackend")
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "marwah.core.pgbackend"
_test_name = envstr("MARWAH_TEST_DB_NAME")
if _test_name:
    _db["TEST"] = {"NAME": _test_name}
DATABASES = {"default": _db}
# Behind PgBouncer in transaction-pooling mode: no server-side cursors (and leave
# PG_SERVER_SIDE_BINDING off). See docs/deploy.md, "Connection pooling".
if envbool("PGBOUNCER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# The signing and case-read statements prepared once per connection (core/pg.py); never behind PgBouncer.
MARWAH_PREPARE_HOT = envbool("PG_PREPARE_HOT", True) and not envbool("PGBOUNCER", False)
# Read-heavy pages (coverage, dashboards, exports) read from a replica when one is given.
_replica_url = envsecret("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=envint("CONN_MAX_AGE", 600),
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "marwah.core.pgbackend"
DATABASE_ROUTERS = ["marwah.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "marwah.accounts.backends.ModelBackend",  # Django's, the signed-in user's row from the memo
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in Redis when there is one (production, several app servers): no database row read
# and written per request, and Redis drops them itself when idle (the key's TTL is the idle limit).
# Without Redis (the demo) they stay in the database. SESSION_STORE=db|cache|cached_db overrides it;
# docs/decisions.md, "Sessions in Redis".
_session_store = envstr("SESSION_STORE", "cache" if envstr("REDIS_URL") else "db")
if _session_store not in ("db", "cache", "cached_db"):
    raise ValueError(f"SESSION_STORE must be db, cache or cached_db, not {_session_store!r}")
# In the cache: Django's cache sessions, read in one round trip with core.memo's generation.
SESSION_ENGINE = "marwah.core.sessions" if _session_store == "cache" else f"django.contrib.sessions.backends.{_session_store}"
# Idle sessions end after 30 minutes; IdleSessionMiddleware renews the window (at most once a minute).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG and not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Forms carry the token in the page ({% csrf_token %}) and htmx sends it from <body hx-headers>:
# no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # no-referrer makes browsers send Origin: null, failing CSRF
# TLS: on by default in production. Behind a TLS-terminating proxy (nginx, a load balancer) that
# sets X-Forwarded-Proto, TLS_PROXY=1 (the production default) lets Django see https; the
# proxy must overwrite that header from clients. The health check stays reachable over http.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/ready/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", PRODUCTION)
if envbool("TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): nothing inline but one nonce'd stylesheet, nothing from elsewhere. Templates keep
# scripts in static files and styles in classes (marwah/core/tests/test_headers.py checks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # NONCE appears only in responses that used request.csp_nonce: the one <style> element of the
        # code -> read -> sign pages (pledges/critical_css.html); every other page stays 'self'.
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if SECURE_SSL_REDIRECT else {}),
    },
}
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Failed logins (marwah/accounts/throttle.py): growing waits per account+source and, shorter,
# per account; no lockout. django-axes records failures but never locks (an attacker could
# otherwise lock any handler out). django-ratelimit caps each source address.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 8)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_CLIENT_IP_CALLABLE = "marwah.core.net.client_ip"
LOGIN_RATE = envstr("LOGIN_RATE", "20/m")
PASSWORD_RESET_RATE_IP = envstr("PASSWORD_RESET_RATE_IP", "10/h")
PASSWORD_RESET_RATE_ACCOUNT = envstr("PASSWORD_RESET_RATE_ACCOUNT", "3/h")
# Behind N reverse proxies that append X-Forwarded-For, the client is the N-th address from the right.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "marwah.core.net.client_ip"
RATELIMIT_VIEW = "marwah.core.views.rate_limited"

OTP_TOTP_ISSUER = "Marwah"

CACHES = {
    "default": (
        {"BACKEND": "marwah.core.cache.RedisCache", "LOCATION": envstr("REDIS_URL")}
        if envstr("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "marwah_cache"}
    )
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# The regulation catalog (marwah/rules) is not an app, so its catalog is listed here.
LOCALE_PATHS = [BASE_DIR / "rules" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed and cached for a year after collectstatic; plain names before it.
    "staticfiles": {"BACKEND": "marwah.core.storage.StaticStorage"},
}

EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if (DEBUG or DEMO_MODE) else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Marwah <no-reply@marwah.local>")

# Background work: the django-tasks API; database queue on one machine, RQ/Redis at scale.
TASK_BACKEND = envstr("TASK_BACKEND", "database")
TASKS: dict[str, dict[str, object]]
if TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": envstr("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Keys kept outside the database (see docs/decisions.md, "Secrets").
MARWAH_MATCH_SECRET = local_secret("MARWAH_MATCH_SECRET", DATA_DIR, generate=not PRODUCTION)
MARWAH_FILE_KEY = local_secret("MARWAH_FILE_KEY", DATA_DIR, generate=not PRODUCTION)
# Closed cases are purged (content and keys; statistics stay) after this many days. UNCONFIRMED default.
MARWAH_CASE_RETENTION_DAYS = envint("MARWAH_CASE_RETENTION_DAYS", 5 * 365)

# Logs: plain text on a terminal, JSON lines (LOG_FORMAT=json) in production; every line
# carries the request id. Request bodies and query strings never reach a log.
LOG_REQUESTS = envbool("LOG_REQUESTS", envstr("LOG_FORMAT") == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "marwah.core.ops.RequestIdFilter"},
        "one_line": {"()": "marwah.core.logfilters.OneLine"},
    },
    "formatters": {
        "json": {"()": "marwah.core.ops.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                    "formatter": "json" if envstr("LOG_FORMAT") == "json" else "text"},
        "security": {"class": "logging.StreamHandler", "filters": ["request_id", "one_line"],
                     "formatter": "json" if envstr("LOG_FORMAT") == "json" else "text"},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    # Request bodies never reach logs: django.request logs only the path.
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # SuspiciousOperation (too many fields, too big a body…): one line, no traceback.
        "django.security": {"handlers": ["security"], "propagate": False},
        "marwah.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
CSRF_FAILURE_VIEW = "marwah.core.views.csrf_failure"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # per-IP limits come from django-ratelimit; axes locks per account so one office behind NAT is not locked out together
