"""Markers for the default-deny access middleware (marwah.accounts.middleware).

Every view needs a signed-in user who passed the second factor when their role needs it.
Two markers relax that, and nothing else does:

- Django's `django.contrib.auth.decorators.login_not_required`: a public view, safe for
  anonymous visitors (the reporting channel, login, password reset, one-time-code pages…).
- `second_factor_not_required` below: the view needs a signed-in user but not the second
  factor — only the pages that let a password-only session pass or set up that factor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def second_factor_not_required(view_func: F) -> F:
    view_func.second_factor_required = False  # type: ignore[attr-defined]
    return view_func


def is_public(view_func: Callable[..., Any]) -> bool:
    """True for a view marked with Django's @login_not_required (also through as_view())."""
    return getattr(view_func, "login_required", True) is False


def needs_second_factor(view_func: Callable[..., Any]) -> bool:
    return getattr(view_func, "second_factor_required", True) is not False
