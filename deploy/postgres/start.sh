#!/bin/sh
# Initialises the data directory on first start (user $POSTGRES_USER with $POSTGRES_PASSWORD,
# database $POSTGRES_DB), then runs the server in the foreground on $PGPORT.
set -eu
bin=/usr/lib/postgresql/15/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  pw="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:?}" > "$pw"
  "$bin/initdb" -D "$PGDATA" -U "${POSTGRES_USER:-hodei}" --pwfile="$pw" --auth=scram-sha-256 >/dev/null
  rm -f "$pw"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=127.0.0.1 -p $PGPORT" -w start >/dev/null
  PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -p "$PGPORT" -U "${POSTGRES_USER:-hodei}" -d postgres \
    -c "CREATE DATABASE \"${POSTGRES_DB:-hodei}\"" >/dev/null
  "$bin/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses=127.0.0.1 -p "$PGPORT"
