#!/usr/bin/env bash
# A local MultiStore cluster as background processes: PostgreSQL + Redis (scripts/services.sh), the schema
# migration, N silos (default 3) and the Api in cluster mode. Logs: .artifacts/cluster/logs/, pids: .artifacts/cluster/pids/.
#
#   scripts/cluster-up.sh [N]        start (or report the running cluster)
#   scripts/cluster-down.sh          stop it (SIGTERM, then SIGKILL after 35 s)
#
# Silo i (1..N) listens on 127.0.0.1:$((11200 + i)) (silo) and :$((30200 + i)) (gateway), the Api on
# MULTISTORE_API_PORT (default 5180): away from the embedded defaults (11111, 30000, 5080), so an embedded Api
# can run beside the cluster. MULTISTORE_CLUSTER_ID (default "local") names the cluster.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

silos="${1:-3}"
[[ "$silos" =~ ^[1-9][0-9]?$ ]] || { echo "usage: $0 [number of silos, 1-99]" >&2; exit 2; }
cluster_dir="$root/.artifacts/cluster"
logs="$cluster_dir/logs"
pids="$cluster_dir/pids"
api_port="${MULTISTORE_API_PORT:-5180}"
silo_port_base=11200
gateway_port_base=30200
cluster_id="${MULTISTORE_CLUSTER_ID:-local}"
configuration="${MULTISTORE_CONFIGURATION:-Release}"
silo_dll="$root/Silo/bin/$configuration/net10.0/MultiStore.Silo.dll"
api_dll="$root/Api/bin/$configuration/net10.0/MultiStore.Api.dll"

log() { printf 'cluster: %s\n' "$*" >&2; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if compgen -G "$pids/*.pid" >/dev/null; then
  for pid_file in "$pids"/*.pid; do
    if alive "$pid_file"; then
      log "a cluster is already running (pids in $pids): scripts/cluster-down.sh stops it"
      exit 0
    fi
  done
  rm -f "$pids"/*.pid
fi

# Orleans listens with address reuse: a second process on a taken port starts "fine" and then shares its
# connections. Refuse instead.
busy=()
for port in "$api_port" $(seq $((silo_port_base + 1)) $((silo_port_base + silos))) $(seq $((gateway_port_base + 1)) $((gateway_port_base + silos))); do
  if command -v ss >/dev/null 2>&1 && ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
    busy+=("$port")
  fi
done
if [ "${#busy[@]}" -gt 0 ]; then
  log "ports already in use: ${busy[*]} (another cluster or Api?); nothing started"
  exit 1
fi

eval "$("$root/scripts/services.sh" up)"
export ConnectionStrings__Postgres ConnectionStrings__Redis

mkdir -p "$logs" "$pids"
log "building Silo and Api ($configuration)"
dotnet build "$root/Silo/MultiStore.Silo.csproj" -c "$configuration" -v quiet -nologo >"$logs/build.log" 2>&1 ||
  { tail -n 30 "$logs/build.log" >&2; exit 1; }
dotnet build "$root/Api/MultiStore.Api.csproj" -c "$configuration" -v quiet -nologo >>"$logs/build.log" 2>&1 ||
  { tail -n 30 "$logs/build.log" >&2; exit 1; }

log "migrating the schema"
dotnet "$silo_dll" migrate >"$logs/migrate.log" 2>&1 || { cat "$logs/migrate.log" >&2; exit 1; }
tail -n 1 "$logs/migrate.log" >&2

export Orleans__Mode=Cluster Orleans__ClusterId="$cluster_id" Orleans__ServiceId="${MULTISTORE_SERVICE_ID:-multistore}"
for i in $(seq 1 "$silos"); do
  Orleans__SiloPort=$((silo_port_base + i)) Orleans__GatewayPort=$((gateway_port_base + i)) \
    nohup dotnet "$silo_dll" >"$logs/silo-$i.log" 2>&1 &
  echo $! >"$pids/silo-$i.pid"
done

wait_for() { # file pattern seconds pid_file
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -q "$2" "$1" 2>/dev/null && return 0
    alive "$4" || return 1
    sleep 0.5
  done
  return 1
}

for i in $(seq 1 "$silos"); do
  if ! wait_for "$logs/silo-$i.log" "Orleans Silo started" 90 "$pids/silo-$i.pid"; then
    tail -n 30 "$logs/silo-$i.log" >&2
    log "silo $i did not start (log: $logs/silo-$i.log)"
    exit 1
  fi
  log "silo $i runs (pid $(cat "$pids/silo-$i.pid"), silo port $((silo_port_base + i)), gateway $((gateway_port_base + i)))"
done

# The Api joins as a cluster client once it supports Orleans:Mode=Cluster; until then it refuses at start and the
# silos run alone.
Urls="http://127.0.0.1:$api_port" nohup dotnet "$api_dll" >"$logs/api.log" 2>&1 &
echo $! >"$pids/api.pid"
api_deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$api_deadline" ]; do
  if ! alive "$pids/api.pid"; then
    rm -f "$pids/api.pid"
    log "the Api did not start in cluster mode (see $logs/api.log); the $silos silos run without it"
    break
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$api_port/health/ready" 2>/dev/null && alive "$pids/api.pid"; then
    log "Api runs on http://127.0.0.1:$api_port (pid $(cat "$pids/api.pid"))"
    break
  fi
  sleep 0.5
done

log "logs: $logs; stop with scripts/cluster-down.sh"
