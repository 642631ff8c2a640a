"""Per-process memory of lookups that rarely change, for hot paths that make them on every request.

Report submission routes every report and seals its key: who holds which role on the unit's
chain, the units themselves, users' public keys, an institution's rule overrides. These change a
few times a day; reading them took a dozen statements per submission. Each process keeps its own
copy here. A write to any of those tables bumps a generation number in the shared cache (Redis in
production, so every app server sees it) when its transaction commits, and clears this process's
copy at once; every request re-reads the generation (one cache round trip) before its first
lookup, so a revoked role, a switched-off account or a replaced key pair is never used by a later
request on any server. Copies are also dropped after `MAX_AGE` seconds, a backstop for writes that
bypass model signals (`QuerySet.update`; the ones that matter call `bump()` themselves).

Values are shared between requests: callers must not mutate what they get.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from marwah.core.dbrouter import primary_reads

GEN_KEY = "marwah:memo:generation"
MAX_AGE = 60.0
RECHECK = 1.0  # outside requests (worker, commands): re-read the generation at most this often

T = TypeVar("T")


class _State:
    def __init__(self) -> None:
        self.generation: Any = None
        self.loaded_at = 0.0
        self.checked_at = -1e9
        self.in_request_checked = False
        self.data: dict[Hashable, Any] = {}


_state = _State()


def clear() -> None:
    _state.data = {}
    _state.loaded_at = time.monotonic()


def _fresh() -> None:
    if _state.in_request_checked and time.monotonic() - _state.checked_at < RECHECK:
        return
    note_generation(cache.get(GEN_KEY))


def note_generation(generation: Any) -> None:
    """The generation as just read from the cache, by `_fresh` or with another read of the same round
    trip (core.sessions reads it with the session): this request's lookups need not read it again."""
    now = time.monotonic()
    _state.in_request_checked = True
    _state.checked_at = now
    if generation != _state.generation or now - _state.loaded_at > MAX_AGE:
        _state.generation = generation
        clear()


def get(namespace: str, key: Hashable, load: Callable[[], T]) -> T:
    """The remembered value of `load()` for (namespace, key)."""
    _fresh()
    full = (namespace, key)
    if full in _state.data:
        return _state.data[full]  # type: ignore[no-any-return]
    with primary_reads():  # a replica's copy may lag; remembered, it would lag for a minute
        value = load()
    _state.data[full] = value
    return value


def get_many(namespace: str, keys: Sequence[Hashable],
             load: Callable[[list[Hashable]], dict[Any, Any]]) -> dict[Any, Any]:
    """{key: value} for every key; `load(missing keys)` returns what exists (absent means None)."""
    _fresh()
    missing = [k for k in keys if (namespace, k) not in _state.data]
    if missing:
        with primary_reads():
            found = load(missing)
        for k in missing:
            _state.data[(namespace, k)] = found.get(k)
    return {k: _state.data[(namespace, k)] for k in keys}


def _publish() -> None:
    cache.set(GEN_KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """Something remembered changed: forget it here now, everywhere once the write commits."""
    clear()
    transaction.on_commit(_publish)


def _on_request_started(**kwargs: Any) -> None:
    _state.in_request_checked = False


def _on_change(sender: Any, **kwargs: Any) -> None:
    bump()


def _on_user_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing remembered here
    bump()  # a password too: the remembered row (accounts.backends) checks every session's hash


# What the OTP middleware relies on (accounts.middleware.OTPMiddleware): whose device it is and
# whether it is confirmed. Every verification saves the device (its last counter, the throttle);
# forgetting every process's memo at every sign-in would make it useless under a login rush.
_DEVICE_FIELDS = ("user_id", "confirmed")


def _before_device_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*_DEVICE_FIELDS).first()
    instance._memo_unchanged = before == tuple(getattr(instance, f) for f in _DEVICE_FIELDS)


def _on_device_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created and getattr(instance, "_memo_unchanged", False):
        return
    bump()


def connect() -> None:
    from django.core.signals import request_started
    from django.db.models.signals import post_delete, post_save, pre_save

    request_started.connect(_on_request_started, dispatch_uid="memo.request_started")
    for label in ("accounts.RoleAssignment", "reporting.UserKey", "orgs.Unit", "orgs.Institution",
                  "rules.RuleOverride", "cases.DeadlinePolicy", "pledges.Campaign"):
        post_save.connect(_on_change, sender=label, dispatch_uid=f"memo.save.{label}")
        post_delete.connect(_on_change, sender=label, dispatch_uid=f"memo.delete.{label}")
    for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
        pre_save.connect(_before_device_saved, sender=label, dispatch_uid=f"memo.presave.{label}")
        post_save.connect(_on_device_saved, sender=label, dispatch_uid=f"memo.save.{label}")
        post_delete.connect(_on_change, sender=label, dispatch_uid=f"memo.delete.{label}")
    post_save.connect(_on_user_saved, sender="accounts.User", dispatch_uid="memo.save.user")
    post_delete.connect(_on_change, sender="accounts.User", dispatch_uid="memo.delete.user")
