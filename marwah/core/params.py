"""Reading numbers that visitors send in query strings and forms, without ever raising."""

from __future__ import annotations

import re

# ASCII digits only: str.isdigit() accepts "²" and other digits int() refuses, and a 30-digit
# id overflows SQLite's integers.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if _ID.fullmatch(text) else None


def parse_page(value: object, *, last: int = 100_000) -> int:
    number = parse_id(value)
    return min(max(number or 1, 1), last)
