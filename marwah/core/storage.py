"""Static files: hashed and compressed after collectstatic, plain before it.

WhiteNoise serves hashed names with a one-year immutable cache header and gzip copies
(docs/benchmarks.md, the KPPS slow-phone budget). A fresh checkout or a test run has no
manifest yet; then the plain name is used instead of failing.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None:  # collectstatic itself: a real problem, say so
                raise
            return name
