"""Navigation and home-page panels, contributed by each app.

Each app may have a `nav.py` with `items(request) -> list[NavItem]` and
`panels(request) -> list[Panel]`; this module gathers them in a fixed order so
apps stay independent of each other and of the base template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marwah.core import memo

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


_CURRENT = mark_safe(' aria-current="page"')  # noqa: S308  (a constant)


def _user_items(request: HttpRequest) -> tuple[NavItem, ...]:
    """The signed-in user's menu, remembered per process (`core.memo`). Every app's items depend only
    on the user's role grants and account flags, and a write to either bumps the memo: the menu
    never outlives a revoked role. Asking each app again cost ~0.6 ms on every staff page."""
    user = request.user
    if not user.is_authenticated:
        return tuple(nav_items(request))
    return memo.get("nav-items", (user.pk, get_language()), lambda: tuple(nav_items(request)))


def nav_menu(request: HttpRequest) -> SafeString:
    """The main menu's list items. Built here rather than in a base-template loop, which cost about
    30 µs an item on every staff page (docs/benchmarks.md, issue 14)."""
    path = request.path
    home = reverse("core:home")
    rows = [format_html('<li><a href="{}"{}>{}</a></li>', home, _CURRENT if path == home else "", _("Home"))]
    rows += [format_html('<li><a href="{}"{}>{}</a></li>', item.url,
                         _CURRENT if item.url != "/" and item.url in path else "", item.label)
             for item in _user_items(request)]
    return mark_safe("".join(rows))  # noqa: S308  (each row escaped by format_html)


def home_panels(request: HttpRequest) -> list[Panel]:
    out: list[Panel] = []
    for mod in _modules():
        if hasattr(mod, "panels"):
            out.extend(mod.panels(request))
    return sorted(out, key=lambda p: p.order)
