#!/usr/bin/env bash
# The suite on SQLite and on PostgreSQL at the same time, each with its own pytest (PYTEST_ARGS).
#
# Why at the same time: much of a run is waiting (browser journeys, servers starting, the
# database server's own work), so two runs side by side take less than one after the
# other on a 2-core machine. Each run writes to its own log, printed whole when both are done;
# the script fails when either run fails.
set -uo pipefail
PY=${PY:-.venv/bin/python}
PG_URL=${PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
read -r -a ARGS <<<"${PYTEST_ARGS:--n 2 -q}"
logs=$(mktemp -d)

"$PY" -m pytest "${ARGS[@]}" >"$logs/sqlite.log" 2>&1 &
sqlite=$!
KHT_TEST_DATABASE_URL=$PG_URL "$PY" -m pytest "${ARGS[@]}" >"$logs/postgres.log" 2>&1 &
postgres=$!

wait "$sqlite"
sqlite_rc=$?
wait "$postgres"
postgres_rc=$?

for name in sqlite postgres; do
  echo "===== pytest on ${name}"
  cat "$logs/$name.log"
done
echo "===== SQLite: exit ${sqlite_rc}; PostgreSQL: exit ${postgres_rc}"
rm -rf "$logs"
[ "$sqlite_rc" -eq 0 ] && [ "$postgres_rc" -eq 0 ]
