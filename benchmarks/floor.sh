#!/usr/bin/env bash
# Every speed target as a ratio against the floor of the stack (../shared/bench-floor/), in one command:
#   bash benchmarks/floor.sh [target ...]      (targets: signing submission cases coverage dashboard stack; default all)
# Builds the floor (its own venv and PostgreSQL database `floor`), runs each Marwah benchmark in its
# --floor mode (A B A B, ROUNDS pairs, default 3; DURATION seconds per run, default 30), and prints the
# table of FLOOR lines. Each benchmark stops what it started, also on failure; so does this script.
# The benchmark databases must exist (each script's docstring says how to make them).
set -euo pipefail
cd "$(dirname "$0")/.."
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-30}
PY=.venv/bin/python
log=$(mktemp)
cleanup() { bash "${FLOOR_SRC:-../shared/bench-floor}/floor.sh" stop >/dev/null 2>&1 || true; rm -f "$log"; }
trap cleanup EXIT INT TERM
if [ "${1:-}" = "--smoke" ]; then
  # For benchmarks/smoke.py, in seconds and harmless on a shared box: the floor is not started (its pid file
  # and database under ~/.cache/marwah-floor belong to whoever is measuring); every target's command must
  # exist and take its ratio options. Each script's own --smoke runs its Marwah side.
  for script in pledges_load.py reporting_floor.py cases_bench.py monitoring_dashboard.py stack_floor.py; do
    help=$($PY "benchmarks/$script" --help 2>&1) || { echo "benchmarks/$script --help failed: $help"; exit 1; }
    grep -q -- '--duration' <<<"$help" && grep -qE -- '--(floor|rounds)' <<<"$help" \
      || { echo "benchmarks/$script lacks --floor/--rounds or --duration"; exit 1; }
  done
  command -v wrk >/dev/null || { echo "wrk is not installed (scripts/system-deps.sh test)"; exit 1; }
  echo "floor.sh: every target's command takes its ratio options"; exit 0
fi
# The national tree (pledges_generate.py) and its officers' sessions, where the app servers read them.
pledges() { DATABASE_URL=${PLEDGES_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_pledges} \
  REDIS_URL=${PLEDGES_REDIS_URL:-redis://127.0.0.1:6379/10} "$@"; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(signing submission cases coverage dashboard stack)
failed=0
for target in "${targets[@]}"; do
  echo "== $target"
  set +e  # a target that exits non-zero (some do when their verdict is NOT MET) must not stop the others
  case "$target" in
    signing)    pledges $PY benchmarks/pledges_load.py --no-coverage --floor "$ROUNDS" --duration "$DURATION" ;;
    submission) $PY benchmarks/reporting_floor.py --rounds "$ROUNDS" --duration "$DURATION" ;;
    cases)      $PY benchmarks/cases_bench.py --floor "$ROUNDS" --duration "$DURATION" ;;
    coverage)   pledges $PY benchmarks/pledges_load.py --skip-load --floor "$ROUNDS" --duration "$DURATION" ;;
    dashboard)  $PY benchmarks/monitoring_dashboard.py --floor "$ROUNDS" --duration "$DURATION" ;;
    stack)      $PY benchmarks/stack_floor.py --floor "$ROUNDS" --duration "$DURATION" ;;  # every check, no work
    *) echo "unknown target: $target" >&2; exit 2 ;;
  esac 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || { echo "floor.sh: $target exited with status $status" | tee -a "$log"; failed=1; }
done
echo
echo "== Ratios against the floor (median of the per-pair ratios)"
grep '^FLOOR ' "$log" | sed 's/^FLOOR //' | column -t -s '|' -o '|'
exit $failed
