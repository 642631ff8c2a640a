"""Navigation and home-page panels, contributed by each app.

Each app may have a `nav.py` with `items(request) -> list[NavItem]` and
`panels(request) -> list[Panel]`; this module gathers them in a fixed order so
apps stay independent of each other and of the base template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marwah.core import memo
from marwah.core.links import fixed_url

APP_ORDER = [
    "pledges", "socialisation", "leave", "reporting", "cases", "elections", "monitoring", "people", "onboarding",
    "orgs", "worktime", "rules", "accounts", "audit",
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str = ""


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


def _modules() -> list[Any]:
    mods = []
    for app in APP_ORDER:
        try:
            mods.append(import_module(f"marwah.{app}.nav"))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"marwah.{app}.nav", f"marwah.{app}"):
                raise
    return mods


def nav_items(request: HttpRequest) -> list[NavItem]:
    out: list[NavItem] = []
    for mod in _modules():
        if hasattr(mod, "items"):
            out.extend(mod.items(request))
    return out


_CURRENT = ' aria-current="page"'
_CHROME_ROUTES = {"home": "core:home", "report": "reporting:start", "set_language": "set_language",
                  "logout": "accounts:logout"}


def chrome_urls() -> dict[str, str]:
    """The base template's fixed links (`core.links`: reversed once, not by a `{% url %}` per page)."""
    return {key: fixed_url(name) for key, name in _CHROME_ROUTES.items()}


def _user_items(request: HttpRequest) -> tuple[tuple[str, str, str], ...]:
    """The signed-in user's menu as (url, escaped url, escaped label), remembered per process
    (`core.memo`). Every app's items depend only on the user's role grants and account flags, and a
    write to either bumps the memo: the menu never outlives a revoked role. Asking each app again
    cost ~0.6 ms on every staff page."""
    user = request.user

    def build() -> tuple[tuple[str, str, str], ...]:
        return tuple((item.url, escape(item.url), escape(str(item.label))) for item in nav_items(request))

    if not user.is_authenticated:
        return build()
    return memo.get("nav-items", (user.pk, get_language()), build)


def nav_menu(request: HttpRequest) -> SafeString:
    """The main menu's list items. Built here rather than in a base-template loop, which cost about
    30 µs an item on every staff page, and with `html.escape` on remembered items rather than
    `format_html` per row (docs/benchmarks.md, issue 14)."""
    path = request.path
    home = chrome_urls()["home"]
    rows = [f'<li><a href="{escape(home)}"{_CURRENT if path == home else ""}>{escape(str(_("Home")))}</a></li>']
    rows += [f'<li><a href="{url_html}"{_CURRENT if url != "/" and url in path else ""}>{label_html}</a></li>'
             for url, url_html, label_html in _user_items(request)]
    return mark_safe("".join(rows))  # noqa: S308  (every url and label escaped above)


def home_panels(request: HttpRequest) -> list[Panel]:
    out: list[Panel] = []
    for mod in _modules():
        if hasattr(mod, "panels"):
            out.extend(mod.panels(request))
    return sorted(out, key=lambda p: p.order)
