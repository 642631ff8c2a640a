"""Pledge texts: a small safe formatting language, placeholders and the hash of a filled text.

Formatting (no raw HTML ever reaches a page or PDF — everything is escaped first):
  `# Heading`, `## Subheading`, blank line = new paragraph, `1. item` numbered list,
  `- item` bullet list, `**bold**`, `_italic_`.
Placeholders: {name} {nip} {position} {unit} {place} {date}.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from marwah.core.chrome import SLOT_PATTERN, slot_marker, split_at_slots

PLACEHOLDERS = ("name", "nip", "position", "unit", "place", "date")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w])_(.+?)_(?![\w])")
_NUMBERED = re.compile(r"^\d+[.)]\s+")
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"]


def unknown_placeholders(body: str) -> list[str]:
    return sorted({m for m in _PLACEHOLDER_RE.findall(body) if m not in PLACEHOLDERS})


def long_date(day: date) -> str:
    """'14 Oktober 2019': the form used on Indonesian official documents."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def fill(body: str, fields: dict[str, str]) -> str:
    """The body with placeholders replaced: this exact string is what gets hashed."""
    text = _PLACEHOLDER_RE.sub(lambda m: fields.get(m.group(1), m.group(0)) or "-", body)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").strip())


def text_hash(filled: str) -> str:
    return hashlib.sha256(filled.encode("utf-8")).hexdigest()


def _inline(line: str) -> str:
    out = escape(line)  # the standard library's, as django.utils.html.escape is, without its lazy-text check
    if "**" in out:  # most lines of a pledge have no formatting: no pattern to try (the sign page's hot path)
        out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _ITALIC.sub(r"<em>\1</em>", out) if "_" in out else out


def to_html(text: str) -> SafeString:
    """Render the formatting subset to HTML. Input is escaped before any tag is added."""
    blocks: list[str] = []
    paragraph: list[str] = []
    list_kind = ""
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(x) for x in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_kind
        if items:
            blocks.append(f"<{list_kind}>" + "".join(f"<li>{_inline(x)}</li>" for x in items) + f"</{list_kind}>")
            items.clear()
        list_kind = ""

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush_list()
            continue
        if line.startswith("#"):
            flush_paragraph()
            flush_list()
            level = 2 if line.startswith("##") else 1
            blocks.append(f"<h{level + 1}>{_inline(line.lstrip('#').strip())}</h{level + 1}>")
            continue
        numbered = _NUMBERED.match(line)
        if numbered or line.startswith(("- ", "* ")):
            flush_paragraph()
            kind = "ol" if numbered else "ul"
            if list_kind and list_kind != kind:
                flush_list()
            list_kind = kind
            items.append(line[numbered.end():] if numbered else line[2:])
            continue
        if items:  # a continuation line of the last list item
            items[-1] += " " + line
            continue
        paragraph.append(line)
    flush_paragraph()
    flush_list()
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of input was escaped above


# --- The same HTML for many signers: the body converted once, the values put in ---------------------

_UNSAFE_IN_VALUE = frozenset("*_#\r\n\u2063")
_LINE_START = re.compile(r"^[ \t]*" + SLOT_PATTERN.pattern, re.MULTILINE)


@functools.lru_cache(maxsize=32)
def _compiled(body: str) -> tuple[tuple[tuple[str, str], ...], dict[str, frozenset[tuple[str, str]]],
                                  frozenset[str]] | None:
    """`to_html` of the body with a marker for each placeholder's value, split at the markers:
    ((html, placeholder after it), ...); for each placeholder the characters on either side of it in
    the filled text; and the placeholders that begin a line. None when a value could change how the
    text around it is read: an underscore in the body (`_italic_` looks at the characters next to it),
    or two placeholders side by side."""
    if "\u2063" in body or "_" in _PLACEHOLDER_RE.sub("", body):
        return None
    marked = fill(body, {name: slot_marker(name) for name in PLACEHOLDERS})  # core.chrome's markers
    neighbours: dict[str, set[tuple[str, str]]] = {}
    for found in SLOT_PATTERN.finditer(marked):
        left, right = marked[found.start() - 1:found.start()], marked[found.end():found.end() + 1]
        if "\u2063" in left + right:
            return None
        neighbours.setdefault(found.group(1), set()).add((left, right))
    parts = tuple(split_at_slots(to_html(marked)))
    line_starts = frozenset(found.group(1) for found in _LINE_START.finditer(marked))
    return parts, {name: frozenset(pairs) for name, pairs in neighbours.items()}, line_starts


def _plain(value: str, neighbours: frozenset[tuple[str, str]], *, line_start: bool) -> bool:
    """A value that reads the same as text wherever it stands: no formatting characters, no line
    break, no space at its ends, nothing Unicode would compose with the text beside it (the filled
    text is normalised to NFC); at a line's start not like a list item."""
    return (not _UNSAFE_IN_VALUE.intersection(value) and value == value.strip()
            and all(unicodedata.is_normalized("NFC", left + value + right) for left, right in neighbours)
            and not (line_start and (value[0].isdigit() or value[0] in "-*")))


def filled_html(body: str, fields: dict[str, str]) -> SafeString:
    """`to_html(fill(body, fields))`, the same HTML, from the body's conversion kept per process with
    each value escaped and put in its place (the sign page converts the text of one version for
    thousands of signers). A body or value that could read differently once filled in takes the whole
    conversion (tests/test_text.py compares the two)."""
    compiled = _compiled(body)
    if compiled is not None:
        parts, neighbours, line_starts = compiled
        values = {name: fields.get(name) or "-" for name in neighbours if name in fields}
        if all(_plain(value, neighbours[name], line_start=name in line_starts) for name, value in values.items()):
            return mark_safe("".join(  # noqa: S308 - the kept HTML was escaped by to_html; each value here
                text + (escape(values[slot]) if slot in values else f"{{{slot}}}" if slot else "")
                for text, slot in parts))
    return to_html(fill(body, fields))
