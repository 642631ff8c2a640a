#!/usr/bin/env bash
# Every test, on SQLite and, when PostgreSQL answers on 127.0.0.1, again on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export MARWAH_DATA_DIR="${MARWAH_DATA_DIR:-$(mktemp -d)}"
$BIN/marwah compilemessages -v 0 --ignore=.venv >/dev/null || exit 1
$BIN/ruff check . || exit 1
$BIN/mypy marwah || exit 1

status=0
echo "== Tests on SQLite"
DATABASE_URL="sqlite:///$MARWAH_DATA_DIR/test.sqlite3" $BIN/pytest "$@" || status=1

PG_URL="${MARWAH_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "== Tests on PostgreSQL"
  DATABASE_URL="$PG_URL" MARWAH_TEST_DB_NAME="${MARWAH_TEST_DB_NAME:-test_marwah}" $BIN/pytest --create-db "$@" || status=1
  if [ $# -eq 0 ]; then
    # Every benchmark at a tiny size, each on its own throwaway database, so none rots (about 2 minutes).
    echo "== Benchmarks, smoke size (benchmarks/smoke.py)"
    timeout 900 $BIN/python benchmarks/smoke.py || status=1
  fi
  if [ $# -eq 0 ] && command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ] && redis-cli ping >/dev/null 2>&1; then
    # Faults, short and bounded: kill -9 an app server and the worker, restart PostgreSQL, mid-load.
    echo "== Faults on PostgreSQL (benchmarks/faults.py, short)"
    timeout 600 $BIN/python benchmarks/faults.py --seconds 12 --signers 150 || status=1
  fi
else
  echo "== PostgreSQL is not answering on 127.0.0.1:5432: PostgreSQL run skipped"
fi
exit $status
