"""Environment for benchmarks: the production settings, over plain http on loopback.

Production (DEBUG off, no MARWAH_DEMO) takes its secrets from the environment only and redirects
to https. Benchmarks are production-like but local: this sets stable secrets (kept in the
benchmark's data folder, so every process and gunicorn worker shares them), SITE_URL, and turns
the TLS redirect and HSTS off. From Python: `import bench_env; bench_env.apply()` before Django
starts. From a shell: `eval "$(.venv/bin/python benchmarks/bench_env.py)"`.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ("SECRET_KEY", "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY")
PLAIN = {"SITE_URL": "https://marwah.bench.invalid", "SECURE_SSL_REDIRECT": "0", "TLS_PROXY": "0", "SECURE_HSTS_SECONDS": "0",
         "SECURE_COOKIES": "0"}


def values() -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from marwah.core.secrets import local_secret

    data_dir = Path(os.environ.get("MARWAH_DATA_DIR", ROOT / "var")) / "bench"
    found = {k: v for k, v in PLAIN.items() if k not in os.environ}
    for name in SECRETS:
        if not (os.environ.get(name) or os.environ.get(f"{name}_FILE")):
            found[name] = local_secret(name, data_dir, nbytes=48 if name == "SECRET_KEY" else 32)
    return found


def apply() -> None:
    os.environ.update(values())


if __name__ == "__main__":
    print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in values().items()))
