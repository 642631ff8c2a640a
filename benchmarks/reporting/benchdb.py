"""The reporting benchmarks' own PostgreSQL database and environment (shared by the scripts).

`environment(db)` is the process environment every reporting benchmark runs under: production
settings over plain http (`bench_env`), `bench_settings` (per-IP submission limit lifted: all load
comes from one address), Redis for the cache. `prepare(db)` drops and creates the database,
migrates and loads the demo data (real regions, KPU and Kemenkumham, Satgas teams with key pairs,
custodians, leaders), and returns the ids of the office the load reports about (KPU Kabupaten
Grobogan). `drop(db)` removes it again (smoke runs).

`Server` runs gunicorn (sync workers, like production) on that database and always stops it: on
leaving the `with` block, at exit, on SIGTERM/SIGINT.

Databases: `bench_reporting` (measurements), `bench_smoke_reporting` (`--smoke`, dropped after).
Shell use (run.sh): `benchdb.py env DB`, `benchdb.py prepare DB [--small] [--keep]`, `benchdb.py drop DB`;
`benchdb.py --smoke` checks the set-up on a throwaway database.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_env  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
MEASURE_DB = "bench_reporting"
SMOKE_DB = "bench_smoke_reporting"
REDIS_DB = int(os.environ.get("BENCH_REPORTING_REDIS_DB", "11"))


def environment(db: str) -> dict[str, str]:
    """Environment for Django processes (in-process setup, management commands, gunicorn)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "MARWAH_DATA_DIR": f"/tmp/{db}_data",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "TASK_BACKEND": "database", "SECURE_COOKIES": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks" / "reporting"), str(ROOT),
                                                    env.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
    })
    env.pop("DEBUG", None)
    env.pop("MARWAH_DEMO", None)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        env.update(bench_env.values())  # stable secrets in the data folder: every worker shares them
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return env


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],  # noqa: S603, S607
                   check=True, capture_output=True)


def exists(db: str) -> bool:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",  # noqa: S603, S607
                          f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip() == "1"


def drop(db: str) -> None:
    if db not in (MEASURE_DB, SMOKE_DB) and not db.startswith("bench_smoke_reporting"):
        raise SystemExit(f"refusing to drop {db}: not a reporting benchmark database")
    _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    subprocess.run(["rm", "-rf", f"/tmp/{db}_data"], check=False)  # noqa: S603, S607


def _django(env: dict[str, str], *args: str) -> str:
    return subprocess.run([PY, "-m", "django", *args], env=env, cwd=ROOT, check=True,  # noqa: S603
                          capture_output=True, text=True).stdout


def seed_small() -> None:
    """A few seconds instead of the demo's two minutes (smoke runs): the same shape for a
    sexual-violence report from Grobogan — the Satgas of Jawa Tengah (two members with key pairs),
    the province's leader, the Satgas of KPU RI above the team, an identity custodian."""
    from marwah.accounts.models import Role, RoleAssignment, User
    from marwah.orgs.models import Institution, Region, UnitKind
    from marwah.orgs.services import UnitSpec, create_units
    from marwah.people.models import Employee, EmploymentType
    from marwah.reporting import vault

    for code, name, level, parent in [("33", "Jawa Tengah", 1, None), ("33.15", "Kabupaten Grobogan", 2, "33")]:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    kpu = Institution.objects.create(code="kpu", name="Komisi Pemilihan Umum", short_name="KPU",
                                     kind=Institution.Kind.ELECTION_COMMISSION)
    [ri] = create_units(institution=kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
    [jateng] = create_units(institution=kpu, parent=ri, specs=[
        UnitSpec(UnitKind.KPU_PROVINCE, "33", "KPU Provinsi Jawa Tengah", "33")])
    create_units(institution=kpu, parent=jateng, specs=[UnitSpec(UnitKind.KPU_REGENCY, "33.15",
                                                                 "KPU Kabupaten Grobogan", "33.15")])
    for username, unit, role, chair in [("mey", jateng, Role.SATGAS_PKS, True), ("kiki", jateng, Role.SATGAS_PKS, False),
                                        ("ketua_jateng", jateng, Role.UNIT_LEADER, False),
                                        ("satgas_ri", ri, Role.SATGAS_PKS, True),
                                        ("kustodian", ri, Role.IDENTITY_CUSTODIAN, False)]:
        user = User.objects.create_user(username=username, password="kata-sandi-bench-77")
        Employee.objects.create(institution=kpu, unit=unit, unit_path=unit.path, name=username.title(),
                                employee_number=f"B-{username}", employment_type=EmploymentType.PNS, user=user)
        RoleAssignment.objects.create(user=user, role=role, unit=unit, is_chair=chair)
        vault.unlock_user_key(user=user, password="kata-sandi-bench-77")


def prepare(db: str, *, fresh: bool = True, small: bool = False) -> tuple[int, int]:
    """Create (when `fresh` or missing), migrate and seed the database; (institution id, unit id).
    `small`: the few people of `seed_small` instead of the demo data."""
    env = environment(db)
    if fresh or not exists(db):
        drop(db)
        _psql(f'CREATE DATABASE "{db}"')
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=False, capture_output=True)  # noqa: S603, S607
        _django(env, "migrate", "-v0")
        _django(env, "createcachetable")
        if small:
            _django(env, "shell", "-c", "import benchdb; benchdb.seed_small()")
        else:
            _django(env, "seed_demo")
    out = _django(env, "shell", "-c", "from marwah.orgs.models import Unit; "
                  "u = Unit.objects.get(code='33.15', institution__code='kpu'); print(u.institution_id, u.pk)")
    institution, unit = out.split()[-2:]
    return int(institution), int(unit)


def stop_on_signals() -> None:
    """SIGTERM/SIGHUP end the script through `finally` blocks and atexit, like Ctrl-C does."""
    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)


class Server:
    """gunicorn serving Marwah on the benchmark database; stopped on exit whatever happens."""

    def __init__(self, db: str, *, port: int, workers: int = 3) -> None:
        self.db, self.port, self.workers = db, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            raise SystemExit(f"port {self.port} is taken: another server is running there")
        env = environment(self.db)
        # BENCH_REPORTING_APP_ROOT: serve another checkout of the code (e.g. `git archive` of the
        # base commit) with this venv and database, for before/after runs under the same conditions.
        app_root = Path(os.environ.get("BENCH_REPORTING_APP_ROOT", ROOT))
        env["PYTHONPATH"] = os.pathsep.join([str(app_root), env["PYTHONPATH"]])
        self.proc = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "marwah.wsgi", "-w", str(self.workers), "-k", "sync",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env=env, cwd=app_root, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn on {self.port} did not answer")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        bench_env.stop_group(proc)


def report_count(db: str) -> int:
    return _count(db, "SELECT count(*) FROM reporting_report")


def repeat_flags(db: str) -> int:
    """Cases flagged as a repeat match: a load whose reports match each other does more work per
    report with every run (each match flags and notifies), so a run must add none."""
    return _count(db, "SELECT count(*) FROM cases_case WHERE repeat_flag")


def _count(db: str, sql: str) -> int:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],  # noqa: S603, S607
                         check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


if __name__ == "__main__":
    import shlex

    if sys.argv[1:] == ["--smoke"]:  # the set-up the other scripts rely on, on a throwaway database
        try:
            institution, unit = prepare(SMOKE_DB, small=True)
            print(f"smoke ok: institution {institution}, unit {unit}")
        finally:
            drop(SMOKE_DB)
        sys.exit(0)
    command, db, *flags = sys.argv[1:]
    if command == "env":
        print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in environment(db).items()
                        if k not in os.environ or os.environ[k] != v))
    elif command == "prepare":
        print(*prepare(db, fresh="--keep" not in flags, small="--small" in flags))
    elif command == "drop":
        drop(db)
    else:
        raise SystemExit(f"unknown command {command}")
