"""The inbox's rows, rendered in Python.

The inbox shows up to 100 cases; as template code each row cost about 0.3 ms of CPU (a dozen
variable lookups, two date filters, `get_*_display` rebuilding its choices, a `{% url %}` and a
`{% blocktranslate %}`), most of the page's time. Here every label is translated once per page and
every value is escaped as the template escaped it (`django.utils.html.escape`); month names, due dates
and deadline texts are made once per page, and the row's URL from one reversed URL.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date, datetime

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from marwah.cases.models import Status
from marwah.cases.selectors import InboxRow
from marwah.rules.violations import CATEGORIES

register = template.Library()

ROW = ('<tr>\n'
       '    <td><a href="{}"><strong>{}</strong></a>{}<br><span class="small muted">{}</span></td>\n'
       '    <td data-label="{}">{}<br><span class="small muted">{}</span></td>\n'
       '    <td data-label="{}">{}</td>\n'
       '    <td data-label="{}">{}</td>\n'
       '    <td data-label="{}">{}</td>\n'
       '    <td data-label="{}">{}</td>\n'
       '  </tr>\n')


@register.simple_tag
def inbox_rows(rows: Iterable[InboxRow]) -> SafeString:
    kind, unit, status, deadline, handler = (escape(gettext("Kind")), escape(gettext("Unit")),
                                             escape(gettext("Status")), escape(gettext("Deadline")),
                                             escape(gettext("Handler")))
    named = format_html(' <span class="badge bad">{}</span>', gettext("named again"))
    statuses = {code: escape(label) for code, label in Status.choices}
    categories = {code: escape(c.label) for code, c in CATEGORIES.items()}
    kinds: dict[str, str] = {}
    months: dict[int, str] = {}
    due_dates: dict[date, str] = {}
    deadlines: dict[int, str] = {}
    # Every row links to /kasus/<public id>/: the URL is reversed once and the id put in its place
    # (public ids are letters and digits, which reverse() leaves as they are; others go through it).
    head, _, tail = reverse("cases:detail", args=["0"]).rpartition("0")

    def url(public_id: str) -> str:
        return f"{head}{public_id}{tail}" if public_id.isalnum() and public_id.isascii() else row_url(public_id)

    def created(value: datetime) -> str:
        # formats.date_format(value, "j M Y H:i"), the month's name looked up once per page.
        local = timezone.localtime(value)
        month = months.get(local.month)
        if month is None:
            month = months[local.month] = formats.date_format(local, "M")
        return f"{local.day} {month} {local.year:04d} {local.hour:02d}:{local.minute:02d}"

    def due(row: InboxRow) -> str:
        if row.days_left is None or not row.case.stage_due:
            return "—"
        text = deadlines.get(row.days_left)
        if text is None:
            text = deadlines[row.days_left] = escape(row.deadline_text)
        day = due_dates.get(row.case.stage_due)
        if day is None:
            day = due_dates[row.case.stage_due] = escape(formats.date_format(row.case.stage_due, "j M Y"))
        return f'<span class="badge {row.badge}">{text}</span><br><span class="small muted">{day}</span>'

    def kind_label(row: InboxRow) -> str:
        label = kinds.get(row.case.kind)
        if label is None:
            label = kinds[row.case.kind] = escape(row.kind_label)
        return label

    # Each value escaped as the template escaped it (django.utils.html.escape), the row put together
    # with str.format: format_html per row and conditional_escape per cell were most of the page's CPU.
    return mark_safe("".join(  # noqa: S308  (every value above is escaped)
        ROW.format(escape(url(case.public_id)), escape(row.title), named if case.repeat_flag else "",
                   escape(created(case.created_at)), kind, kind_label(row),
                   categories.get(case.category) or escape(case.category), unit, escape(row.unit_name), status,
                   statuses.get(case.status) or escape(case.status), deadline, due(row), handler,
                   escape(row.handler_name))
        for row in rows for case in (row.case,)))


def escape(value: object) -> str:
    """django.utils.html.escape without the SafeString wrapper (the row is marked safe as a whole)."""
    return html.escape(str(value))


def row_url(public_id: str) -> str:
    return reverse("cases:detail", args=[public_id])
