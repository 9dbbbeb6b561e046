#!/usr/bin/env bash
# Owns CI's throwaway PostgreSQL: `start` installs PostgreSQL from Debian's packages when missing, creates a
# private cluster (user `troupe`, password `troupe`, database `troupe`) listening on 127.0.0.1 only, waits
# until it accepts connections and prints `export TROUPE_TEST_DATABASE_URL=...` on stdout (everything else
# goes to stderr, so `eval "$(.ci/postgres.sh start)"` works). `stop` stops it and removes its directory.
# `env` prints the export line of a running cluster. All commands are idempotent.
#
# Environment: TROUPE_PG_DIR (default /tmp/troupe-ci-pg; must be reachable by the `postgres` user, which is
# why it is not inside the checkout), TROUPE_PG_PORT (first port tried, default 55432).
set -euo pipefail

DIR="${TROUPE_PG_DIR:-/tmp/troupe-ci-pg}"
FIRST_PORT="${TROUPE_PG_PORT:-55432}"
DATA="$DIR/data"
USER_NAME=troupe
PASSWORD=troupe
DB_NAME=troupe

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Newest installed server binaries (Debian puts them under /usr/lib/postgresql/<major>/bin).
find_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" ]]; then printf '%s\n' "$d"; fi
}

install_postgres() {
  [[ "$(id -u)" -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

# Runs a command as the cluster owner: `postgres` when we are root (initdb refuses root), else ourselves.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The first free port from $1 (default FIRST_PORT) on.
pick_port() {
  local p from="${1:-$FIRST_PORT}"
  for ((p = from; p < FIRST_PORT + 50; p++)); do
    if ! port_busy "$p"; then printf '%s\n' "$p"; return 0; fi
  done
  die "no free port in $FIRST_PORT..$((FIRST_PORT + 49))"
}

url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$USER_NAME" "$PASSWORD" "$(cat "$DIR/port")" "$DB_NAME"; }

running() { [[ -n "${BIN:-}" && -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_cluster() {
  log "creating cluster in $DATA"
  rm -rf "$DIR"
  mkdir -p "$DIR"
  pick_port >"$DIR/port"
  printf '%s\n' "$PASSWORD" >"$DIR/pwfile"
  if [[ "$(id -u)" -eq 0 ]]; then chown -R postgres:postgres "$DIR"; fi
  chmod 700 "$DIR"
  as_owner "$BIN/initdb" -D "$DATA" -U "$USER_NAME" --pwfile="$DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  # A test database: fast and disposable, never durable.
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $(cat "$DIR/port")
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

# Starts the cluster. A port can look free to pick_port yet fail to bind (a client connection or a socket
# still closing may hold it as its local port), so a bind failure moves the cluster to the next free port.
start_server() {
  local port tries seen
  for ((tries = 0; tries < 5; tries++)); do
    port="$(cat "$DIR/port")"
    if port_busy "$port"; then die "port $port is taken by another process; run '$0 stop' and retry"; fi
    log "starting on 127.0.0.1:$port"
    seen="$( (wc -l <"$DIR/server.log") 2>/dev/null || echo 0)"
    if as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start >&2; then return 0; fi
    tail -n +"$((seen + 1))" "$DIR/server.log" | tail -n 30 >&2 || true
    tail -n +"$((seen + 1))" "$DIR/server.log" | grep -q "could not bind" || die "server did not start"
    pick_port $((port + 1)) >"$DIR/port"
    log "port $port could not be bound; trying $(cat "$DIR/port")"
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<<"port = $(cat "$DIR/port")"
  done
  die "server did not start (no port could be bound)"
}

wait_ready() {
  local port deadline
  port="$(cat "$DIR/port")"
  deadline=$((SECONDS + 60))
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    ((SECONDS < deadline)) || die "server on port $port not ready after 60 s"
    sleep 0.2
  done
}

create_db() {
  local port exists
  port="$(cat "$DIR/port")"
  exists="$(as_owner "$BIN/psql" -h "$DIR" -p "$port" -U "$USER_NAME" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  if [[ "$exists" != "1" ]]; then
    as_owner "$BIN/psql" -h "$DIR" -p "$port" -U "$USER_NAME" -d postgres -qc "CREATE DATABASE $DB_NAME" >&2
  fi
}

cmd_start() {
  BIN="$(find_bin)"
  if [[ -z "$BIN" ]]; then install_postgres; BIN="$(find_bin)"; fi
  [[ -n "$BIN" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql after installing"
  if running; then
    log "already running"
  else
    if [[ ! -f "$DATA/PG_VERSION" || ! -f "$DIR/port" ]]; then init_cluster; fi
    start_server
  fi
  wait_ready
  create_db
  printf 'export TROUPE_TEST_DATABASE_URL=%s\n' "$(url)"
}

cmd_stop() {
  BIN="$(find_bin)"
  if running; then
    log "stopping"
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
  rm -rf "$DIR"
  log "stopped and removed $DIR"
}

cmd_env() {
  BIN="$(find_bin)"
  running || die "not running (run '$0 start')"
  printf 'export TROUPE_TEST_DATABASE_URL=%s\n' "$(url)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  *) printf 'usage: %s start|stop|env\n' "$0" >&2; exit 2 ;;
esac
