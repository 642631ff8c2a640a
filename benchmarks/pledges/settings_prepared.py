"""Benchmark-only settings: marwah.settings with PostgreSQL server-side binding and prepared statements
(psycopg prepares a statement after it ran `prepare_threshold` times on a connection), to measure
what planning costs on the signing path. Not used by the app."""

from marwah.settings import *  # noqa: F403

DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})  # noqa: F405
