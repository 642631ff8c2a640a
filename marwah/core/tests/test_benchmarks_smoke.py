"""Every script in benchmarks/ is run by benchmarks/smoke.py (from `make test`), so none can rot unseen."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def _smoke() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("benchmarks_smoke", BENCHMARKS / "smoke.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def _all_scripts() -> set[str]:
    """Every .py and .sh file under benchmarks/ but the git-ignored output folder and caches."""
    return {p.relative_to(BENCHMARKS).as_posix() for p in BENCHMARKS.rglob("*")
            if p.suffix in (".py", ".sh") and p.is_file() and "__pycache__" not in p.parts
            and p.relative_to(BENCHMARKS).parts[0] != "out"}


def test_every_benchmark_script_is_run_by_smoke_or_listed_as_a_library():
    smoke = _smoke()
    run = set(smoke.scripts())
    assert run | smoke.LIBRARIES == _all_scripts()
    assert not run & smoke.LIBRARIES
    # The skip list names real files only (a renamed library must not leave a stale exception behind).
    assert {name for name in smoke.LIBRARIES if not (BENCHMARKS / name).is_file()} == set()


def test_every_benchmark_script_accepts_smoke():
    smoke = _smoke()
    missing = [name for name in smoke.scripts() if "--smoke" not in (BENCHMARKS / name).read_text()]
    assert missing == [], f"benchmarks without --smoke (see docs/benchmarks.md): {missing}"


def test_a_new_script_is_picked_up_without_editing_smoke(tmp_path, monkeypatch):
    smoke = _smoke()
    for name in ["new_bench.py", "tool.sh", "area/run.sh", "area/load.py", "floor.py", "bench_env.py",
                 "pledges/settings_prepared.py", "out/result.py", "area/__pycache__/x.py", "area/load.lua",
                 "tree.sql"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    monkeypatch.setattr(smoke, "HERE", tmp_path)
    assert smoke.scripts() == ["area/load.py", "area/run.sh", "new_bench.py", "tool.sh"]
