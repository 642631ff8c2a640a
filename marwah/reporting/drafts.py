"""Files accepted while a report form is still being filled in.

When a form comes back with an error, the files that passed the checks are kept
(encrypted with a random per-draft key) so the reporter does not have to pick them
again. The draft key and file list live in the session, the key wrapped with the
browser key (`browserkey`: a cookie never stored server-side) mixed with the server secret;
the encrypted files sit in MEDIA_ROOT/reporting/staging under random names.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Literal, overload

from django.http import HttpRequest

from marwah.reporting import browserkey, crypto
from marwah.reporting.evidence import MAX_FILES, CleanFile, random_name, staging_dir, write_private

SESSION_DRAFT = "mw_draft"
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class StagedFile:
    token: str
    name: str
    content_type: str
    size: int


@overload
def _draft(request: HttpRequest, *, create: Literal[True]) -> tuple[dict, bytes]: ...
@overload
def _draft(request: HttpRequest, *, create: Literal[False]) -> tuple[dict, bytes] | None: ...
def _draft(request: HttpRequest, *, create: bool) -> tuple[dict, bytes] | None:
    draft = request.session.get(SESSION_DRAFT)
    if draft:
        try:
            return draft, crypto.session_unwrap(browserkey.get(request), draft["k"], aad="draft")
        except (crypto.DecryptionError, KeyError):
            pass
    if not create:
        return None
    key = crypto.new_key()
    draft = {"k": crypto.session_wrap(browserkey.ensure(request), key, aad="draft"), "files": [],
             "t": int(time.time())}
    request.session[SESSION_DRAFT] = draft
    return draft, key


def staged(request: HttpRequest) -> list[StagedFile]:
    found = _draft(request, create=False)
    if not found:
        return []
    draft, key = found
    out = []
    for row in draft["files"]:
        try:
            name = crypto.decrypt_text(key, row["n"], aad=f"draft-name:{row['t']}")
        except crypto.DecryptionError:
            continue
        out.append(StagedFile(row["t"], name, row["c"], row["s"]))
    return out


def stage(request: HttpRequest, clean: CleanFile) -> bool:
    """Keep a checked file for this draft; False when the draft already holds MAX_FILES."""
    draft, key = _draft(request, create=True)
    if len(draft["files"]) >= MAX_FILES:
        return False
    token = random_name()
    write_private(staging_dir() / token, crypto.encrypt_blob(key, clean.data, aad=f"draft-file:{token}"))
    draft["files"].append({"t": token, "n": crypto.encrypt_text(key, clean.name, aad=f"draft-name:{token}"),
                           "c": clean.content_type, "s": clean.size})
    request.session.modified = True
    return True


def load(request: HttpRequest, token: str) -> CleanFile | None:
    found = _draft(request, create=False)
    if not found:
        return None
    draft, key = found
    for row in draft["files"]:
        if row["t"] == token:
            try:
                data = (staging_dir() / token).read_bytes()
                name = crypto.decrypt_text(key, row["n"], aad=f"draft-name:{token}")
                return CleanFile(name, row["c"], crypto.decrypt_blob(key, data, aad=f"draft-file:{token}"))
            except (OSError, crypto.DecryptionError):
                return None
    return None


def remove(request: HttpRequest, token: str) -> None:
    found = _draft(request, create=False)
    if not found:
        return
    draft, _key = found
    draft["files"] = [row for row in draft["files"] if row["t"] != token]
    with contextlib.suppress(OSError):
        (staging_dir() / token).unlink()
    request.session.modified = True


def clear(request: HttpRequest) -> None:
    draft = request.session.pop(SESSION_DRAFT, None)
    for row in (draft or {}).get("files", []):
        with contextlib.suppress(OSError):
            (staging_dir() / row["t"]).unlink()


def sweep_stale(max_age: int = MAX_AGE) -> int:
    """Delete staged files of abandoned drafts (the session that knew their key is gone)."""
    cutoff = time.time() - max_age
    removed = 0
    for path in staging_dir().iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
