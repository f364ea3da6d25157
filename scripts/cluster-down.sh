#!/usr/bin/env bash
# Stops what scripts/cluster-up.sh started: the Api first, then the silos, each with SIGTERM so they leave the
# cluster cleanly (SIGKILL after 35 s); the silos' supervisors are told first, so they start nothing again.
# `--services` also stops PostgreSQL and Redis (their data is kept).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster_dir="$root/.artifacts/cluster"
pids="$cluster_dir/pids"

log() { printf 'cluster: %s\n' "$*" >&2; }

stop() { # pid_file
  local pid name
  pid="$(cat "$1" 2>/dev/null)" || return 0
  name="$(basename "$1" .pid)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 70); do
      kill -0 "$pid" 2>/dev/null || { log "$name stopped"; rm -f "$1"; return; }
      sleep 0.5
    done
    log "$name did not stop within 35 s: killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}

mkdir -p "$cluster_dir"
touch "$cluster_dir/stopping"

if [ -f "$pids/api.pid" ]; then
  stop "$pids/api.pid"
fi
silo_pids=("$pids"/silo-*.pid)
if [ -e "${silo_pids[0]}" ]; then
  # Silos stop in parallel: each leaves the cluster on its own.
  for pid_file in "${silo_pids[@]}"; do
    stop "$pid_file" &
  done
  wait
else
  log "no silo is recorded as running"
fi

# A supervisor notices its silo's exit and the stop request within a second; one that is still there is ended.
sleep 1
for pid_file in "$pids"/supervise-silo-*.pid; do
  [ -e "$pid_file" ] || continue
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  rm -f "$pid_file"
done

if [ "${1:-}" = "--services" ]; then
  "$root/scripts/services.sh" down
fi
