"""Sessions in the cache (Redis in production), read in the same round trip as the memo's generation.

Every signed-in request reads its session and then, for the user's row, grants and menu, the
generation of `core.memo` (docs/decisions.md). Both live in the same cache, so the session's read
asks for both keys at once (`get_many`, one MGET on Redis) and hands the generation to the memo:
one round trip instead of two on every staff page (issue 14). A changed session is written with
one command that writes only if the session is still there (`RedisCache.replace`, SET … XX), where
Django reads it first: a session ended meanwhile (logout elsewhere) is not brought back, as in
Django. The stored session is Django's own cache session (same keys, same values): switching
engines keeps everyone signed in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from marwah.core import memo


class SessionStore(CacheSessionStore):
    def load(self) -> dict[str, Any]:
        if settings.SESSION_CACHE_ALIAS != "default":  # the memo's generation is in the default cache
            return super().load()  # type: ignore[no-any-return]
        key = self.cache_key
        try:
            found = self._cache.get_many([key, memo.GEN_KEY])  # type: ignore[attr-defined]
        except Exception:  # as Django's: a key the backend refuses resets the session
            found = None  # and the memo reads its generation itself
        if found is not None:
            memo.note_generation(found.get(memo.GEN_KEY))
        data = (found or {}).get(key)
        if data is not None:
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
