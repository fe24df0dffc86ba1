#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests, on this machine, for CI and developers.
#
#   eval "$(.ci/postgres.sh start)"   # start it; sets OGPTRACKER_TEST_POSTGRES in this shell
#   .ci/postgres.sh stop              # stop it and delete everything it held
#
# The cluster lives in a temporary folder (/tmp/ogptracker-postgres-PORT), listens on
# 127.0.0.1:PORT only (54329 unless OGPTRACKER_POSTGRES_PORT says otherwise), runs with
# fsync off (its data is thrown away anyway) and trusts local connections. The tests'
# role, ogptracker, may create databases: each test makes its own. Run as root (as CI
# does), the server runs as the "postgres" user that Debian's package creates (or
# "nobody"), since PostgreSQL refuses to run as root. The binaries are found in
# /usr/lib/postgresql/*/bin (Debian, Ubuntu), else on PATH (PGBIN overrides).
set -euo pipefail

port=${OGPTRACKER_POSTGRES_PORT:-54329}
dir=${OGPTRACKER_POSTGRES_DIR:-/tmp/ogptracker-postgres-$port}
url="postgres://ogptracker@127.0.0.1:$port/ogptracker?sslmode=disable"

if [ -z "${PGBIN:-}" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PGBIN" ]; then PGBIN=$(dirname "$(command -v pg_ctl || echo /nonexistent/pg_ctl)"); fi
fi
if [ ! -x "$PGBIN/pg_ctl" ]; then
  echo "postgres.sh: no PostgreSQL found (pg_ctl); install it (Debian: apt-get install postgresql) or set PGBIN" >&2
  exit 1
fi

# as_server runs a command as the user the server runs as.
as_server() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif id postgres >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    runuser -u nobody -- "$@"
  fi
}

start() {
  if [ -e "$dir" ]; then
    echo "postgres.sh: $dir exists: is a cluster running already? Run '$0 stop' first." >&2
    exit 1
  fi
  mkdir -m 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then chown postgres: "$dir"; else chown nobody: "$dir"; fi
  fi
  cd "$dir" # the server's user may not be able to enter the current folder
  as_server "$PGBIN/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_server "$PGBIN/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start || { cat "$dir/server.log" >&2; exit 1; }
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE ogptracker LOGIN CREATEDB" -c "CREATE DATABASE ogptracker OWNER ogptracker" >&2
  echo "postgres.sh: $("$PGBIN/postgres" --version) at 127.0.0.1:$port, data in $dir" >&2
  echo "export OGPTRACKER_TEST_POSTGRES='$url'"
}

stop() {
  if [ ! -e "$dir" ]; then
    return 0
  fi
  cd /
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$PGBIN/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait --silent stop || true
  fi
  rm -rf "$dir"
  echo "postgres.sh: stopped and removed $dir" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
