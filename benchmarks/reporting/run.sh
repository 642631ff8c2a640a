#!/bin/sh
# Reporting benchmark: gunicorn + PostgreSQL (database bench_reporting) + Redis, demo data,
# then concurrent anonymous submissions. Usage: sh benchmarks/reporting/run.sh [concurrency] [seconds] [workers]
set -eu
cd "$(dirname "$0")/../.."
C=${1:-8}; D=${2:-30}; W=${3:-3}
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reporting
export MARWAH_DATA_DIR=/tmp/bench_reporting_data REDIS_URL=redis://127.0.0.1:6379/7 SECURE_COOKIES=0
export PYTHONPATH=benchmarks/reporting DJANGO_SETTINGS_MODULE=bench_settings TASK_BACKEND=database
eval "$(.venv/bin/python benchmarks/bench_env.py)"  # production settings over plain http, stable secrets
if [ "${FRESH:-1}" = 1 ]; then
  dropdb -h 127.0.0.1 -U postgres --if-exists bench_reporting
  createdb -h 127.0.0.1 -U postgres bench_reporting
  rm -rf "$MARWAH_DATA_DIR"
  .venv/bin/python -m django migrate -v0
  .venv/bin/python -m django createcachetable
  .venv/bin/python -m django seed_demo >/dev/null
fi
IDS=$(.venv/bin/python -m django shell -c "from marwah.orgs.models import Unit; u=Unit.objects.get(code='33.15', institution__code='kpu'); print(u.institution_id, u.pk)" 2>/dev/null | tail -1)
INST=${IDS% *}; UNIT=${IDS#* }
.venv/bin/gunicorn marwah.wsgi -w "$W" -b 127.0.0.1:8077 --log-level warning --pid /tmp/bench_reporting.pid &
sleep 4
.venv/bin/python benchmarks/reporting_submit.py --url http://127.0.0.1:8077 --institution "$INST" --unit "$UNIT" \
  --concurrency "$C" --duration "$D" ${WITH_FILE:+--with-file}
kill "$(cat /tmp/bench_reporting.pid)"
