"""Pledge texts: a small safe formatting language, placeholders and the hash of a filled text.

Formatting (no raw HTML ever reaches a page or PDF — everything is escaped first):
  `# Heading`, `## Subheading`, blank line = new paragraph, `1. item` numbered list,
  `- item` bullet list, `**bold**`, `_italic_`.
Placeholders: {name} {nip} {position} {unit} {place} {date}.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
    out: str = escape(line)
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
