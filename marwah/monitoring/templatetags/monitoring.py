from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.inclusion_tag("monitoring/_table_links.html")
def table_with_links(pub: Any, svg: str) -> dict[str, Any]:
    links = list(pub.table.row_links) + [None] * (len(pub.rows) - len(pub.table.row_links))
    # The SVG is built in charts.py from escaped text only.
    return {"pub": pub, "svg": mark_safe(svg), "rows": list(zip(pub.rows, links, strict=False))}  # noqa: S308
