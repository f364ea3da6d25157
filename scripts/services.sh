#!/usr/bin/env bash
# Local PostgreSQL and Redis for MultiStore's cluster mode and its tests, on 127.0.0.1 and project ports.
#
#   scripts/services.sh up [postgres|redis]     install (as root, when missing), initialise and start both (or
#                                               one); print the exports
#   scripts/services.sh down [postgres|redis]   stop both (or one); data is kept under .artifacts/services
#   scripts/services.sh status                  say what runs; exit 0 only when both answer
#   scripts/services.sh env                     print the exports only
#
# Idempotent: `up` on running services only checks them. No systemd: pg_ctl and `redis-server --daemonize`.
# Ports: MULTISTORE_PG_PORT (default 55432) and MULTISTORE_REDIS_PORT (default 56379).
# MULTISTORE_SERVICES_DIR (default .artifacts/services) holds data, sockets and logs: with other ports it gives a
# second, private pair, which the cluster tests use for the incidents they provoke (stopping PostgreSQL, wiping
# Redis) without disturbing anyone else's. MULTISTORE_REDIS_PERSISTENCE=no runs Redis without any persistence
# (a restart empties it); the default keeps every write in the append-only file.
# Both are for development and tests only: fixed passwords, loopback only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services="${MULTISTORE_SERVICES_DIR:-$root/.artifacts/services}"
pg_port="${MULTISTORE_PG_PORT:-55432}"
redis_port="${MULTISTORE_REDIS_PORT:-56379}"
redis_persistence="${MULTISTORE_REDIS_PERSISTENCE:-yes}"
pg_user=multistore
pg_password=multistore
pg_database=multistore

pg_root="$services/pg"
pg_data="$pg_root/data"
pg_socket="$pg_root/run"
pg_log="$pg_root/postgres.log"
redis_root="$services/redis"
redis_conf="$redis_root/redis.conf"

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
    printf '%s\n' "$dir"
  fi
}

# Runs a PostgreSQL server command as the account that owns the data: PostgreSQL refuses to run as root.
as_pg_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_packages() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ "${#missing[@]}" -eq 0 ] && return 0

  if ! is_root; then
    die "missing ${missing[*]}: install them (sudo apt-get install -y ${missing[*]}) or run this script as root."
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them with."

  log "installing ${missing[*]} (apt-get)"
  # Debian's maintainer scripts would start system-wide services on the default ports; a policy-rc.d that
  # answers 101 stops that (the standard container trick). One that already exists is left alone.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$created_policy" -eq 1 ]; then
    rm -f "$policy"
  fi
  [ -n "$(pg_bin)" ] || die "postgresql installed, but no /usr/lib/postgresql/*/bin/pg_ctl found."
  command -v redis-server >/dev/null 2>&1 || die "redis-server installed, but not on PATH."
}

# The postgres account must reach the data directory. When the work tree is somewhere it cannot traverse
# (e.g. under a 0700 home), the data lives in /var/lib/postgresql instead, linked from .artifacts/services/pg.
prepare_pg_root() {
  mkdir -p "$services"
  if ! is_root; then
    mkdir -p "$pg_root"
    return
  fi
  if [ -L "$pg_root" ] || [ -d "$pg_root" ]; then
    chown -R postgres:postgres "$(readlink -f "$pg_root")"
    return
  fi
  mkdir -p "$pg_root"
  chown postgres:postgres "$pg_root"
  if ! runuser -u postgres -- test -w "$pg_root"; then
    rmdir "$pg_root"
    local elsewhere
    elsewhere="/var/lib/postgresql/multistore-$(printf '%s' "$services" | sha1sum | cut -c1-12)"
    mkdir -p "$elsewhere"
    chown postgres:postgres "$elsewhere"
    ln -s "$elsewhere" "$pg_root"
    log "the postgres account cannot reach $root: PostgreSQL data is in $elsewhere"
  fi
}

pg_running() {
  local bin
  bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$pg_data/PG_VERSION" ] && as_pg_owner "$bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1
}

pg_psql() {
  as_pg_owner "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_socket" -p "$pg_port" -U postgres "$@"
}

pg_up() {
  local bin
  bin="$(pg_bin)"
  prepare_pg_root
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pg_data"
    local pwfile
    pwfile="$(mktemp)"
    printf '%s\n' "$pg_password" >"$pwfile"
    chmod 644 "$pwfile"
    # The socket (admin only) trusts local users; TCP clients log in with a password (SCRAM).
    as_pg_owner "$bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 >"$pg_root/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; cat "$pg_root/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    cat >>"$pg_data/postgresql.conf" <<EOF

# MultiStore (scripts/services.sh): loopback only, on the project's port, room for several silos' pools and tests.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_socket'
max_connections = 300
timezone = 'UTC'
EOF
  fi
  as_pg_owner mkdir -p "$pg_socket"

  if pg_running; then
    log "PostgreSQL already runs on 127.0.0.1:$pg_port"
  else
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg_owner "$bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$pg_log" >&2 || true; die "PostgreSQL did not start (log: $pg_log)"; }
  fi

  pg_psql -d postgres <<EOF
SELECT 'CREATE ROLE $pg_user LOGIN CREATEDB PASSWORD ''$pg_password'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$pg_user') \gexec
SELECT 'CREATE DATABASE $pg_database OWNER $pg_user'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$pg_database') \gexec
EOF
}

pg_down() {
  if pg_running; then
    log "stopping PostgreSQL"
    as_pg_owner "$(pg_bin)/pg_ctl" -D "$pg_data" -m fast -w -t 60 stop >/dev/null
  else
    log "PostgreSQL is not running"
  fi
}

redis_ping() {
  command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]
}

redis_persistence_settings() {
  case "$redis_persistence" in
    yes)
      printf '%s\n' "# Every write is on disk before Redis answers: a Redis restart keeps the membership table." \
        "appendonly yes" "appendfsync always" 'save ""'
      ;;
    no)
      printf '%s\n' "# MULTISTORE_REDIS_PERSISTENCE=no: nothing is kept, a restart starts empty." "appendonly no" 'save ""'
      ;;
    *)
      die "MULTISTORE_REDIS_PERSISTENCE must be yes or no, not '$redis_persistence'"
      ;;
  esac
}

redis_up() {
  redis_persistence_settings >/dev/null # refuses a bad MULTISTORE_REDIS_PERSISTENCE before anything starts
  mkdir -p "$redis_root"
  # Rewritten on every `up`, so a changed port or setting takes effect; the data (appendonly dir) is kept.
  cat >"$redis_conf" <<EOF
# MultiStore (scripts/services.sh): membership table for cluster mode. Loopback only, on the project's port.
bind 127.0.0.1
port $redis_port
protected-mode yes
daemonize yes
pidfile $redis_root/redis.pid
logfile $redis_root/redis.log
dir $redis_root
$(redis_persistence_settings)
EOF
  if redis_ping; then
    log "Redis already runs on 127.0.0.1:$redis_port"
    return
  fi
  log "starting Redis on 127.0.0.1:$redis_port"
  redis-server "$redis_conf"
  for _ in $(seq 1 50); do
    redis_ping && return 0
    sleep 0.1
  done
  tail -n 30 "$redis_root/redis.log" >&2 || true
  die "Redis did not answer on 127.0.0.1:$redis_port (log: $redis_root/redis.log)"
}

redis_down() {
  if redis_ping; then
    log "stopping Redis"
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      redis_ping || return 0
      sleep 0.1
    done
    die "Redis did not stop"
  else
    log "Redis is not running"
  fi
}

print_env() {
  local postgres="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=$pg_database"
  local redis="127.0.0.1:$redis_port"
  cat <<EOF
export ConnectionStrings__Postgres="$postgres"
export ConnectionStrings__Redis="$redis"
export MULTISTORE_TEST_POSTGRES="$postgres"
export MULTISTORE_TEST_REDIS="$redis"
EOF
}

status() {
  local ok=0
  if pg_running; then
    log "PostgreSQL runs on 127.0.0.1:$pg_port (data: $pg_data)"
  else
    log "PostgreSQL is not running"
    ok=1
  fi
  if redis_ping; then
    log "Redis runs on 127.0.0.1:$redis_port (data: $redis_root)"
  else
    log "Redis is not running"
    ok=1
  fi
  return "$ok"
}

# The optional second argument names one service; without it both are meant.
which="${2:-both}"
case "$which" in
  both | postgres | redis) ;;
  *) echo "usage: $0 up|down [postgres|redis]" >&2; exit 2 ;;
esac

case "${1:-}" in
  up)
    install_packages
    if [ "$which" != redis ]; then pg_up; fi
    if [ "$which" != postgres ]; then redis_up; fi
    if [ "$which" = both ]; then status; fi
    print_env
    ;;
  down)
    if [ "$which" != postgres ]; then redis_down; fi
    if [ "$which" != redis ]; then pg_down; fi
    ;;
  status)
    status
    ;;
  env)
    print_env
    ;;
  *)
    echo "usage: $0 up|down [postgres|redis] | status | env" >&2
    exit 2
    ;;
esac
