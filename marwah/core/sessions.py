"""Sessions in the cache (Redis in production), read in the same round trip as the memo's generation,
and renewed by that read.

Every signed-in request reads its session and then, for the user's row, grants and menu, the
generation of `core.memo` (docs/decisions.md). Both live in the same cache, so the session's read
asks for both keys at once and hands the generation to the memo: one round trip instead of two on
every staff page (issue 14). On Redis the same command moves the session's expiry to the full idle
limit (GETEX): the idle limit is kept by every request, to the second, without writing the session
back (`renews_on_read`: `core.middleware.IdleSessionMiddleware` then leaves it alone; a pledge
signing, say, writes nothing to Redis). A changed session is written with one command that writes
only if the session is still there (`RedisCache.replace`, SET … XX), where Django reads it first: a
session ended meanwhile (logout elsewhere) is not brought back, as in Django. The stored session is
Django's own cache session (same keys, same values): switching engines keeps everyone signed in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from marwah.core import memo

_UNREAD = object()


class SessionStore(CacheSessionStore):
    @property
    def renews_on_read(self) -> bool:
        """Reading the session moves its expiry to the full idle limit (no write needed to keep it)."""
        return settings.SESSION_CACHE_ALIAS == "default" and hasattr(self._cache, "get_renewing")  # type: ignore[attr-defined]

    def load(self) -> dict[str, Any]:
        if settings.SESSION_CACHE_ALIAS != "default":  # the memo's generation is in the default cache
            return super().load()  # type: ignore[no-any-return]
        key = self.cache_key
        data: Any = None
        generation: Any = _UNREAD
        try:
            if self.renews_on_read:
                # A session lives SESSION_COOKIE_AGE unless it says otherwise (set_expiry; fixed below).
                data, (generation,) = self._cache.get_renewing(  # type: ignore[attr-defined]
                    key, settings.SESSION_COOKIE_AGE, [memo.GEN_KEY])
            else:
                found = self._cache.get_many([key, memo.GEN_KEY])  # type: ignore[attr-defined]
                data, generation = found.get(key), found.get(memo.GEN_KEY)
        except Exception:  # noqa: S110  as Django's: a key the backend refuses resets the session
            pass
        if generation is not _UNREAD:  # else the memo reads its generation itself
            memo.note_generation(generation)
        if data is not None:
            if "_session_expiry" in data:  # a session given its own expiry (set_expiry): that one, not the default
                self._cache.touch(key, self.get_expiry_age(expiry=data["_session_expiry"]))  # type: ignore[attr-defined]
            return data  # type: ignore[no-any-return]
        self._session_key = None
        return {}

    def save(self, must_create: bool = False) -> None:
        replace = getattr(self._cache, "replace", None)  # type: ignore[attr-defined]
        age = self.get_expiry_age()
        if self.session_key is None or must_create or replace is None or age <= 0:
            return super().save(must_create)  # type: ignore[no-any-return]
        if not replace(self.cache_key, self._get_session(), age):  # type: ignore[attr-defined]
            raise UpdateError
        return None
