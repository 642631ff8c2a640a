"""Secrets kept outside the database.

In production every secret comes from the environment (or NAME_FILE). On a
developer or demo machine a missing secret is generated once into the data
directory with 0600 permissions, so `make demo` needs no set-up and a database
dump never contains the keys.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from marwah.core.env import envsecret

# Names of secrets that production needed but did not find in the environment (see core/checks.py).
MISSING: list[str] = []


def local_secret(name: str, data_dir: Path, *, nbytes: int = 32, generate: bool = True) -> str:
    """NAME or NAME_FILE; else, on a developer or demo machine (generate=True), a file in data_dir/keys.

    In production (generate=False) nothing is read from or written to the data folder — a backup
    of that folder would then hold the keys. The name is recorded in MISSING, the system check
    marwah.E010 refuses to start, and a throw-away value keeps settings importable meanwhile.
    """
    value = envsecret(name)
    if value:
        return value
    if not generate:
        MISSING.append(name)
        return secrets.token_urlsafe(nbytes)
    keys = data_dir / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    path = keys / name.lower()
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
