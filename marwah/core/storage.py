"""Static files: hashed and compressed after collectstatic, plain before it.

WhiteNoise serves hashed names with a one-year immutable cache header and gzip copies
(docs/benchmarks.md, the KPPS slow-phone budget). A fresh checkout or a test run has no
manifest yet; then the plain name is used instead of failing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool, str], str] = {}

    def url(self, name: str, force: bool = False) -> str:
        """A name's URL, remembered for the life of the process: the manifest is read once at start
        (collectstatic runs before the servers restart), and working it out again took 15-20 µs a
        `{% static %}`, or a file lookup per call before collectstatic, on every page (issue 14)."""
        key = (name, force, settings.DEBUG, str(self.base_url))
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = super().url(name, force)
        return found

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None:  # collectstatic itself: a real problem, say so
                raise
            return name
