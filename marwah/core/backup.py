"""Consistent backups and restores of a Marwah installation.

A backup is two files, never one:
- `marwah-<stamp>.tar`: the database (a `pg_dump` custom-format archive, or a SQLite copy made
  with SQLite's online backup API) and every file under MEDIA_ROOT (encrypted evidence,
  signed PDFs, ...). The database is dumped first, then the files: a file written after the
  snapshot is harmless extra, while a row never points at a missing file, because stored
  files are written before their row commits and are never rewritten.
- `marwah-<stamp>-keys.tar` (mode 0600): the server's secrets and `DATA_DIR/keys` (the
  institution signing key, generated secrets). Without it the first file opens nothing that
  is encrypted with server keys, which is why the two are kept, moved and stored apart.

Reports stay end-to-end protected in both: their keys are sealed to handlers' key pairs and
receipts, neither of which the server holds.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from marwah.core.env import envsecret

FORMAT = 1
SECRET_NAMES = ("SECRET_KEY", "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY")


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupFiles:
    data: Path
    keys: Path


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432),
            "-U", str(db.get("USER") or "postgres"), "-d", str(db["NAME"])]
    return env, args


def _dump_database(target: Path) -> str:
    vendor = connection.vendor
    if vendor == "postgresql":
        env, args = _pg_env()
        result = subprocess.run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(target), *args],  # noqa: S603, S607
                                env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
    elif vendor == "sqlite":
        # The live connection, so an in-memory test database is backed up too.
        connection.ensure_connection()
        dest = sqlite3.connect(str(target))
        with dest:
            connection.connection.backup(dest)  # type: ignore[union-attr]
        dest.close()
    else:  # pragma: no cover - only the two supported databases
        raise BackupError(f"unsupported database {vendor}")
    return vendor


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def make_backup(*, directory: Path) -> BackupFiles:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    data_path, keys_path = directory / f"marwah-{stamp}.tar", directory / f"marwah-{stamp}-keys.tar"
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database"
        vendor = _dump_database(dump)
        manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "database": vendor,
                    "migrations": _applied_migrations()}
        fd = os.open(data_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(dump, arcname="database")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
    fd = os.open(keys_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        secrets = {name: str(getattr(settings, name)) for name in SECRET_NAMES}
        _add_bytes(tar, "secrets.json", json.dumps(secrets, indent=2).encode())
        keys = Path(settings.DATA_DIR) / "keys"
        if keys.exists():
            tar.add(keys, arcname="keys", filter=lambda info: None if info.name.endswith(".lock") else info)
    return BackupFiles(data=data_path, keys=keys_path)


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    out = []
    for member in tar.getmembers():
        if member.name == prefix or member.name.startswith(prefix + "/"):
            if member.issym() or member.islnk() or ".." in Path(member.name).parts:
                raise BackupError(f"unsafe path in archive: {member.name}")
            out.append(member)
    return out


def _restore_database(tar: tarfile.TarFile, vendor: str) -> None:
    if vendor != connection.vendor:
        raise BackupError(f"the backup is of a {vendor} database; this installation uses {connection.vendor}")
    with tempfile.TemporaryDirectory() as tmp:
        tar.extractall(tmp, members=_safe_members(tar, "database"), filter="data")
        dump = Path(tmp) / "database"
        if vendor == "postgresql":
            connection.close()
            env, args = _pg_env()
            result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)],  # noqa: S603, S607
                                    env=env, capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(result.stderr.strip() or "pg_restore failed")
        else:
            target = Path(str(settings.DATABASES["default"]["NAME"]))
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(dump, target)


def _restore_keys(keys_archive: Path) -> list[str]:
    """Puts DATA_DIR/keys back; returns the names of secrets that must be set in the environment."""
    notes = []
    with tarfile.open(keys_archive) as tar:
        secrets = json.loads(tar.extractfile("secrets.json").read())  # type: ignore[union-attr]
        keys_dir = Path(settings.DATA_DIR) / "keys"
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, members=_safe_members(tar, "keys"), filter="data")
            for path in (Path(tmp) / "keys").glob("*"):
                if path.is_file():
                    shutil.copyfile(path, keys_dir / path.name)
                    os.chmod(keys_dir / path.name, 0o600)
    for name in SECRET_NAMES:
        target = keys_dir / name.lower()
        target.write_text(secrets[name])
        os.chmod(target, 0o600)
        if envsecret(name) and envsecret(name) != secrets[name]:
            # The environment wins over the keys folder: say so rather than run with the wrong key.
            notes.append(name)
    return notes


def restore_backup(*, data_archive: Path, keys_archive: Path) -> list[str]:
    """Restores into an empty installation. Returns secrets the operator must set in the environment."""
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore only into a new, empty installation")
    with tarfile.open(data_archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        if manifest.get("format") != FORMAT:
            raise BackupError("unknown backup format")
        notes = _restore_keys(keys_archive)
        _restore_database(tar, manifest["database"])
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, members=_safe_members(tar, "media"), filter="data")
            if (Path(tmp) / "media").exists():
                shutil.copytree(Path(tmp) / "media", media, dirs_exist_ok=True)
    return notes
