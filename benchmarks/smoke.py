"""Every benchmark at a tiny size, so a schema or code change that breaks one fails `make test`.

    .venv/bin/python benchmarks/smoke.py [--timeout 240] [NAME ...]     (NAME: e.g. people_import.py)

Finds every script in benchmarks/ (``*.py`` and ``*.sh``, subfolders too) except the library
modules listed in LIBRARIES, and runs each with ``--smoke`` in its own process group with a
timeout: a new script is picked up without editing this file, and one without ``--smoke`` fails.
A script's ``--smoke`` runs in seconds against its own throwaway database (``bench_smoke_<name>``,
made and dropped by the script) and cleans up whatever it started. To save every script the
~30 s of ``migrate``, this makes one migrated template database first and passes its name in
MARWAH_SMOKE_TEMPLATE (``bench_env.smoke_database`` copies it); it is dropped at the end.

Exit status 77 from a script means "skipped" (its last line says why: e.g. no Redis); anything
else non-zero, a timeout, a ``bench_smoke_<name>*`` database left behind or a process left
running in its group is a failure. Prints one line per script with its seconds; exits 1 if any
failed. Needs PostgreSQL on 127.0.0.1:5432 (scripts/test.sh runs it only when it answers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bench_env  # noqa: E402

# Imported by the scripts, never run on their own (paths relative to benchmarks/).
LIBRARIES = frozenset({
    "smoke.py",
    "bench_env.py",
    "floor.py",
    "pledges/settings_prepared.py",
    "reporting/bench_settings.py",
})
SKIPPED = 77
TEMPLATE = f"bench_smoke_template_{os.getpid()}"  # two runs at once do not share one


def scripts() -> list[str]:
    """Every runnable script, relative to benchmarks/ (output and caches excluded)."""
    found = []
    for path in sorted(HERE.rglob("*")):
        rel = path.relative_to(HERE).as_posix()
        if path.suffix not in (".py", ".sh") or not path.is_file() or rel in LIBRARIES:
            continue
        if rel.startswith("out/") or "__pycache__" in rel:
            continue
        found.append(rel)
    return found


def smoke_databases(prefix: str) -> set[str]:
    rows = bench_env.psql("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_smoke\\_%'")
    return {name for name in rows.split() if name.startswith(prefix)}


def make_template(env: dict[str, str]) -> None:
    bench_env.drop_database(TEMPLATE)
    bench_env.psql(f'CREATE DATABASE "{TEMPLATE}"')
    url = f"postgres://postgres@127.0.0.1:5432/{TEMPLATE}"
    for command in (["migrate", "-v0"], ["createcachetable"]):
        subprocess.run([str(ROOT / ".venv/bin/marwah"), *command], check=True, cwd=ROOT,  # noqa: S603
                       env=dict(env, DATABASE_URL=url, DEBUG="1"))


def run(rel: str, env: dict[str, str], timeout: float) -> tuple[str, float, str]:
    """(status, seconds, output) for one script: status is ok, skip, FAIL or TIMEOUT."""
    path = HERE / rel
    if "--smoke" not in path.read_text():
        return "FAIL", 0.0, f"{rel} does not accept --smoke (every benchmark must: see docs/benchmarks.md)"
    stem = rel.rsplit(".", 1)[0].replace("/", "_")
    before = smoke_databases(f"bench_smoke_{stem}")
    data = tempfile.mkdtemp(prefix=f"marwah-smoke-{stem}-")
    cmd = ["bash", str(path), "--smoke"] if rel.endswith(".sh") else [sys.executable, str(path), "--smoke"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env, MARWAH_DATA_DIR=data), stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = "ok" if proc.returncode == 0 else "skip" if proc.returncode == SKIPPED else "FAIL"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # the script's own cleanup runs on SIGTERM
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        status, out = "TIMEOUT", f"{out}\n(more than {timeout:.0f} s)"
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        raise
    finally:
        shutil.rmtree(data, ignore_errors=True)
    seconds = time.monotonic() - started
    try:  # anything of its process group still running was left behind
        os.killpg(proc.pid, 0)
        os.killpg(proc.pid, signal.SIGKILL)
        status, out = "FAIL", f"{out}\nleft processes running (killed)"
    except ProcessLookupError:
        pass
    left = smoke_databases(f"bench_smoke_{stem}") - before
    for name in left:
        bench_env.drop_database(name)
    if left and status != "skip":
        status, out = "FAIL", f"{out}\nleft its database(s) behind (dropped): {', '.join(sorted(left))}"
    return status, seconds, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="only these scripts (relative to benchmarks/)")
    ap.add_argument("--timeout", type=float, default=240, help="seconds per script")
    ap.add_argument("--list", action="store_true", help="print the scripts and exit")
    args = ap.parse_args()
    todo = scripts()
    if args.list:
        print("\n".join(todo))
        return 0
    unknown = [n for n in args.names if n not in todo]
    if unknown:
        raise SystemExit(f"not a benchmark script: {', '.join(unknown)}")
    todo = [n for n in todo if not args.names or n in args.names]
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "PYTEST_VERSION", "MARWAH_TEST_DB_NAME", "DJANGO_SETTINGS_MODULE")}
    env[bench_env.SMOKE_TEMPLATE] = TEMPLATE
    bench_env.exit_on_sigterm()
    started = time.monotonic()
    results = []
    try:
        make_template(env)
        print(f"smoke: template database ready in {time.monotonic() - started:.1f} s; {len(todo)} scripts", flush=True)
        for rel in todo:
            status, seconds, out = run(rel, env, args.timeout)
            results.append((rel, status, seconds))
            reason = f"  ({out.strip().splitlines()[-1]})" if status == "skip" and out.strip() else ""
            print(f"{status:<8}{seconds:6.1f} s  benchmarks/{rel}{reason}", flush=True)
            if status not in ("ok", "skip"):
                print("    " + "\n    ".join(out.strip().splitlines()[-25:]), flush=True)
    finally:
        bench_env.drop_database(TEMPLATE)
    failed = [rel for rel, status, _ in results if status not in ("ok", "skip")]
    print(f"smoke: {len(results) - len(failed)} of {len(results)} passed in {time.monotonic() - started:.0f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
