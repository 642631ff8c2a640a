"""Settings for the reporting benchmark: the real settings, with per-IP limits lifted
(all load comes from one address) and plain-http cookies."""

from marwah.settings import *  # noqa: F403

MARWAH_REPORT_RATE = "1000000/h"
MARWAH_PICKER_RATE = "1000000/m"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}}}
