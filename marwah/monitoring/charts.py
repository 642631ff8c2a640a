"""Server-rendered SVG charts of a published table: no script, no style attribute (strict CSP),
colours as SVG presentation attributes and CSS classes, so the same markup prints in the PDF.
Suppressed cells draw no bar and read "< 5"; every chart sits next to its table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from marwah.monitoring.suppression import PublishedTable

COLOURS = ["#1f6f8b", "#e07a1f", "#5b8c3a", "#8b3a6b", "#c4a000", "#555e6b", "#2d9cdb", "#b33a3a"]
MAX_BARS = 16


def _series(pub: PublishedTable) -> tuple[list[int], list[list[str]]]:
    """Numeric columns to draw: the total column when there is one, else every numeric column."""
    t = pub.table
    body = pub.rows[:-1] if t.has_total_row else pub.rows
    if t.has_total_column:
        cols = [len(t.columns) - 1]
    else:
        cols = [c for c in range(1, len(t.columns))
                if any(isinstance(r[c].value, int | float) and not isinstance(r[c].value, bool) for r in body)]
    return cols[:4], [[str(r[0].text)] for r in body]


def bar_chart(pub: PublishedTable, *, width: int = 640) -> SafeString:
    t = pub.table
    if t.chart == "none" or not pub.rows:
        return mark_safe("")  # noqa: S308 - empty
    body = (pub.rows[:-1] if t.has_total_row else pub.rows)[:MAX_BARS]
    cols, _labels = _series(pub)
    if not cols or not body:
        return mark_safe("")  # noqa: S308 - empty
    values = [[r[c].value if isinstance(r[c].value, int | float) else None for c in cols] for r in body]
    top = max([v for row in values for v in row if v is not None] + [1])
    label_w, bar_h, gap = 190, 14, 6
    row_h = bar_h * len(cols) + gap
    height = row_h * len(body) + 30
    plot_w = width - label_w - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="mon-chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(t.title)}" preserveAspectRatio="xMinYMin meet">']
    for i, row in enumerate(body):
        y = 4 + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h * len(cols) / 2 + 4:.0f}" text-anchor="end" '
                     f'font-size="10" fill="#222" class="mon-label">{escape(_short(str(row[0].text)))}</text>')
        for j, c in enumerate(cols):
            cell = row[c]
            yy = y + j * bar_h
            if cell.suppressed or values[i][j] is None:
                parts.append(f'<text x="{label_w + 4}" y="{yy + bar_h - 3}" font-size="10" fill="#555" '
                             f'class="mon-small">{escape(cell.text)}</text>')
                continue
            w = max(plot_w * float(values[i][j] or 0) / top, 0)
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}" class="mon-bar mon-bar-{j}"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{yy + bar_h - 3}" font-size="10" fill="#222" '
                         f'class="mon-value">{escape(cell.text)}</text>')
    if len(cols) > 1:
        x = label_w
        for j, c in enumerate(cols):
            parts.append(f'<rect x="{x}" y="{height - 16}" width="10" height="10" fill="{COLOURS[j]}" '
                         f'class="mon-bar-{j}"/><text x="{x + 14}" y="{height - 7}" font-size="10" '
                         f'fill="#222">{escape(t.columns[c])}</text>')
            x += 24 + 7 * len(t.columns[c])
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
