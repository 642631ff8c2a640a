"""Production settings pass `check --deploy` with zero warnings; missing secrets refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marwah.core import checks, secrets

PRODUCTION_ENV = {
    "DEBUG": "0", "SITE_URL": "https://marwah.example.go.id", "ALLOWED_HOSTS": "marwah.example.go.id",
    "SECRET_KEY": "k" * 20 + "Zq8-x1Vb3nM5pL7rT9wY2uE4oI6aS0dF", "MARWAH_MATCH_SECRET": "m" * 43,
    "MARWAH_FILE_KEY": "f" * 43,
}


# Variables of the test run that a production environment would not have.
NOT_IN_PRODUCTION = {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "MARWAH_DEMO", "DEBUG", "SITE_URL", "SECRET_KEY",
                     "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _environment(tmp_path: Path, **env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION and not k.endswith("_FILE")}
    return {**base, "MARWAH_DATA_DIR": str(tmp_path), **env}


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = _environment(tmp_path, **env)
    return subprocess.run([sys.executable, "-m", "marwah.cli", *args], env=base, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_production_settings_pass_check_deploy_with_zero_warnings(tmp_path):
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert not (tmp_path / "keys").exists()  # nothing secret was written into the data folder


@pytest.mark.slow
def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("MARWAH_FILE_KEY", "SITE_URL")}
    result = _run(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "marwah.E010" in result.stderr and "MARWAH_FILE_KEY" in result.stderr
    assert "SECRET_KEY" not in result.stderr.split("marwah.E010")[1].split("\n")[0].split("Missing secrets:")[1]
    assert "marwah.E011" in result.stderr  # SITE_URL
    assert not (tmp_path / "keys").exists()
    # The WSGI application itself refuses to load (gunicorn never serves a request).
    code = "import marwah.wsgi"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env=_environment(tmp_path, **env))
    assert loaded.returncode != 0 and "ImproperlyConfigured" in loaded.stderr and "marwah.E010" in loaded.stderr


@pytest.mark.slow
def test_secrets_may_come_from_files(tmp_path):
    secret_file = tmp_path / "file_key"
    secret_file.write_text("s" * 43)
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "MARWAH_FILE_KEY"}
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", MARWAH_FILE_KEY_FILE=str(secret_file), **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_themselves(settings, monkeypatch):
    settings.PRODUCTION = True
    monkeypatch.setattr(secrets, "MISSING", ["SECRET_KEY"])
    assert [e.id for e in checks.production_secrets(None)] == ["marwah.E010"]
    settings.SITE_URL = ""
    assert [e.id for e in checks.production_site_url(None)] == ["marwah.E011"]
    settings.SITE_URL = "https://marwah.example.go.id"
    assert checks.production_site_url(None) == []
    settings.PRODUCTION = False
    assert checks.production_secrets(None) == [] and checks.production_site_url(None) == []


def test_production_does_not_generate_secrets_into_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(secrets, "MISSING", [])
    monkeypatch.delenv("SOME_SECRET", raising=False)
    value = secrets.local_secret("SOME_SECRET", tmp_path, generate=False)
    assert value and secrets.MISSING == ["SOME_SECRET"] and not (tmp_path / "keys").exists()
    assert secrets.local_secret("SOME_SECRET", tmp_path) == (tmp_path / "keys" / "some_secret").read_text()
