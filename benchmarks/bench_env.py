"""Environment for benchmarks: the production settings, over plain http on loopback.

Production (DEBUG off, no MARWAH_DEMO) takes its secrets from the environment only and redirects
to https. Benchmarks are production-like but local: this sets stable secrets (kept in the
benchmark's data folder, so every process and gunicorn worker shares them), SITE_URL, and turns
the TLS redirect and HSTS off. From Python: `import bench_env; bench_env.apply()` before Django
starts. From a shell: `eval "$(.venv/bin/python benchmarks/bench_env.py)"`.

For `--smoke` runs (benchmarks/smoke.py): `smoke_database(name)` makes the throwaway PostgreSQL
database `bench_smoke_<name>` (a copy of smoke.py's migrated template when one is given, so no
script pays for `migrate`), points DATABASE_URL at it and drops it at exit, also on Ctrl-C or
SIGTERM; `free_port()` gives a loopback port nobody listens on.
"""

from __future__ import annotations

import atexit
import os
import shlex
import signal
import socket
import subprocess
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


SMOKE_TEMPLATE = "MARWAH_SMOKE_TEMPLATE"  # set by smoke.py: a migrated database to copy


def psql(statement: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAqc", statement],  # noqa: S607
                          check=True, capture_output=True, text=True).stdout.strip()


def drop_database(name: str) -> None:
    conf = sys.modules.get("django.conf")
    if conf is not None and conf.settings.configured:  # never load the settings from here: DATABASE_URL may change
        from django.db import connections

        connections.close_all()
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",  # noqa: S607
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False, capture_output=True)


def exit_on_sigterm() -> None:
    """SIGTERM (smoke.py's timeout, a killed make) unwinds like Ctrl-C: finally blocks and atexit run."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def smoke_database(name: str) -> str:
    """The throwaway database `bench_smoke_<name>`, fresh, dropped at exit; DATABASE_URL points at it.

    Copied from smoke.py's migrated template when MARWAH_SMOKE_TEMPLATE names one (then `migrated`
    below is true and the caller may skip `migrate`), else empty."""
    db = f"bench_smoke_{name}"
    drop_database(db)
    template = os.environ.get(SMOKE_TEMPLATE, "")
    psql(f'CREATE DATABASE "{db}"' + (f' TEMPLATE "{template}"' if template else ""))
    atexit.register(drop_database, db)
    exit_on_sigterm()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    return os.environ["DATABASE_URL"]


def fresh_database(name: str, *, keep: bool = False) -> str:
    """An empty PostgreSQL database `name` (dropped first); DATABASE_URL points at it; dropped at exit
    unless `keep`."""
    drop_database(name)
    psql(f'CREATE DATABASE "{name}"')
    if not keep:
        atexit.register(drop_database, name)
    exit_on_sigterm()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return os.environ["DATABASE_URL"]


def stop_group(proc: subprocess.Popen[bytes], *, timeout: float = 20) -> None:
    """Stop a server started with `start_new_session=True` and its workers: SIGTERM to the group,
    SIGKILL if it has not gone after `timeout` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=10)


def migrated() -> bool:
    return bool(os.environ.get(SMOKE_TEMPLATE))


def verified_session(user, **extra) -> str:  # type: ignore[no-untyped-def]
    """A logged-in session of `user` past the second factor, stored where the app servers read
    sessions (settings.SESSION_ENGINE: Redis when REDIS_URL is set), as a real login with TOTP
    stores it; `extra` adds session keys. Returns the session key (the `sessionid` cookie)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "marwah.accounts.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id,
                  **extra})
    store.create()
    return str(store.session_key)


# The CSRF cookie a signed-in browser holds: the login form set it (Django keeps it a year), so every later
# page view sends it, and the page masks that secret instead of drawing a new one. Staff-page benchmarks
# send it with the session, as the browser does. 32 characters: Django's unmasked secret.
BROWSER_CSRF = "benchcsrfbenchcsrfbenchcsrf01234"


def browser_cookie(session_key: str) -> dict[str, str]:
    """The Cookie header of a signed-in browser: its session and its CSRF cookie."""
    return {"Cookie": f"sessionid={session_key}; csrftoken={BROWSER_CSRF}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in values().items()))
