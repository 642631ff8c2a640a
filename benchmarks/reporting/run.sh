#!/bin/sh
# Reporting benchmark: gunicorn + PostgreSQL (database bench_reporting) + Redis, demo data,
# then concurrent anonymous submissions (benchmarks/reporting_submit.py).
#   sh benchmarks/reporting/run.sh [concurrency] [seconds] [workers]     (defaults 8 30 3)
#   FRESH=0 sh benchmarks/reporting/run.sh ...   reuse the seeded database
#   sh benchmarks/reporting/run.sh --smoke       seconds, own throwaway database bench_smoke_reporting
# gunicorn is stopped on every exit (EXIT/INT/TERM trap), also when the load generator fails or
# gets no answer. Port: PORT (default 8320).
set -eu
cd "$(dirname "$0")/../.."
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then SMOKE=1; shift; fi
C=${1:-8}; D=${2:-30}; W=${3:-3}; PORT=${PORT:-8320}
DB=bench_reporting; PREP=""
if [ "$SMOKE" = 1 ]; then DB=bench_smoke_reporting; C=2; D=3; W=1; PORT=${PORT_SMOKE:-8322}; PREP="--small"; fi
[ "${FRESH:-1}" = 1 ] || [ "$SMOKE" = 1 ] || PREP="$PREP --keep"
GPID=""
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$GPID" ] && kill -0 "$GPID" 2>/dev/null; then
    kill -TERM "$GPID" 2>/dev/null || true
    i=0; while kill -0 "$GPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
    kill -KILL "$GPID" 2>/dev/null || true
  fi
  if [ "$SMOKE" = 1 ]; then .venv/bin/python benchmarks/reporting/benchdb.py drop "$DB" || true; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
eval "$(.venv/bin/python benchmarks/reporting/benchdb.py env "$DB")"  # production settings over plain http
IDS=$(.venv/bin/python benchmarks/reporting/benchdb.py prepare "$DB" $PREP | tail -1)
INST=${IDS% *}; UNIT=${IDS#* }
.venv/bin/gunicorn marwah.wsgi -w "$W" -k sync -b "127.0.0.1:$PORT" --log-level warning &
GPID=$!
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/"; do
  i=$((i + 1)); [ $i -lt 150 ] || { echo "gunicorn did not answer on $PORT" >&2; exit 1; }
  kill -0 "$GPID" 2>/dev/null || { echo "gunicorn exited" >&2; exit 1; }
  sleep 0.2
done
.venv/bin/python benchmarks/reporting_submit.py --url "http://127.0.0.1:$PORT" --institution "$INST" --unit "$UNIT" \
  --concurrency "$C" --duration "$D" ${WITH_FILE:+--with-file}
