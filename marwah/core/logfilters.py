"""Logging filters."""

from __future__ import annotations

import logging


class OneLine(logging.Filter):
    """Drop the traceback: a suspicious request (too many fields, a body too big) is the
    client's doing, and one line per hit is enough; a traceback per hit floods the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
