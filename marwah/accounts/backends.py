"""Django's ModelBackend, with the signed-in user's row read from the per-process memo.

Every staff request loads its user (AuthenticationMiddleware → `get_user`): one statement that, on the
dashboards and coverage pages, cost as much as the page's own figures. `core.memo` keeps each user's
row per process and forgets it on every server when the row changes (`memo._on_user_saved`: any save
but a new `last_login`, a password change included; the deactivation that bypasses signals bumps the
memo itself), so a switched-off account or a changed password ends a session at its next request, as
before. Django still checks the session's password hash against the row and refuses inactive users;
each request gets its own instance, so nothing one request sets on `request.user` reaches another.
Logging in (`authenticate`) is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as _ModelBackend
from django.core.exceptions import ValidationError

from marwah.accounts.models import User
from marwah.core import memo

PATH = "marwah.accounts.backends.ModelBackend"  # what a session records as its backend


class ModelBackend(_ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        row = memo.get("user-row", pk, lambda: _row(pk))
        if row is None:
            return None
        user = User.from_db("default", _names(), list(row))
        return user if self.user_can_authenticate(user) else None


def _names() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields]


def _row(pk: Any) -> tuple[Any, ...] | None:
    values = User._default_manager.filter(pk=pk).values_list(*_names()).first()
    return tuple(values) if values is not None else None
