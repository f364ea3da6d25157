#!/usr/bin/env bash
# A local MultiStore cluster as background processes: PostgreSQL + Redis (scripts/services.sh), the schema
# migration, N silos (default 3) and the Api in cluster mode (an Orleans client that finds the silos through Redis,
# with the three demo stores seeded). Logs: .artifacts/cluster/logs/, pids: .artifacts/cluster/pids/.
#
#   scripts/cluster-up.sh [N]        start (or report the running cluster); returns once the Api is ready
#   scripts/cluster-down.sh          stop it (SIGTERM, then SIGKILL after 35 s)
#
# Silo i (1..N) listens on 127.0.0.1:$((11200 + i)) (silo) and :$((30200 + i)) (gateway), the Api on
# MULTISTORE_API_PORT (default 5180): away from the embedded defaults (11111, 30000, 5080), so an embedded Api
# can run beside the cluster. MULTISTORE_CLUSTER_ID (default "local") names the cluster.
#
# Each silo runs under a small supervisor that starts it again when it exits with a failure (kill -9, or the
# membership watchdog's exit code 75 after Redis lost its table), as Kubernetes would; a silo that stops cleanly
# (exit code 0, e.g. after SIGTERM) stays stopped.
#
#   curl -H 'Host: fiber-x.localhost' http://127.0.0.1:5180/api/stock/FBX-TEE-BLK-M
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
api_dir="$root/Api/bin/$configuration/net10.0"
# Each process's PostgreSQL pool: N silos x this must stay well below max_connections (300 in services.sh).
pool_size="${MULTISTORE_PG_POOL_SIZE:-30}"

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
rm -f "$cluster_dir/stopping"
log "building Silo and Api ($configuration)"
dotnet build "$root/Silo/MultiStore.Silo.csproj" -c "$configuration" -v quiet -nologo >"$logs/build.log" 2>&1 ||
  { tail -n 30 "$logs/build.log" >&2; exit 1; }
dotnet build "$root/Api/MultiStore.Api.csproj" -c "$configuration" -v quiet -nologo >>"$logs/build.log" 2>&1 ||
  { tail -n 30 "$logs/build.log" >&2; exit 1; }

log "migrating the schema"
dotnet "$silo_dll" migrate >"$logs/migrate.log" 2>&1 || { cat "$logs/migrate.log" >&2; exit 1; }
tail -n 1 "$logs/migrate.log" >&2

export Orleans__Mode=Cluster Orleans__ClusterId="$cluster_id" Orleans__ServiceId="${MULTISTORE_SERVICE_ID:-multistore}"
export Logging__LogLevel__Polly=Warning

# Runs silo $1 until it stops cleanly or scripts/cluster-down.sh asks it to; a failed exit is restarted after 1 s,
# unless the silo keeps failing within seconds of its start (a bad setting): then the supervisor gives up.
# The silo's own pid is in silo-$1.pid (what cluster-down.sh signals), the supervisor's in supervise-silo-$1.pid.
supervise() {
  local i="$1" code started quick_failures=0
  trap '' HUP # like nohup: outlive the terminal that started the cluster (the silos inherit it)
  while [ ! -e "$cluster_dir/stopping" ]; do
    started=$SECONDS
    ConnectionStrings__Postgres="$ConnectionStrings__Postgres;Maximum Pool Size=$pool_size" \
      Orleans__SiloPort=$((silo_port_base + i)) Orleans__GatewayPort=$((gateway_port_base + i)) \
      dotnet "$silo_dll" >>"$logs/silo-$i.log" 2>&1 &
    echo $! >"$pids/silo-$i.pid"
    wait $! && code=0 || code=$?
    if [ "$code" -eq 0 ] || [ -e "$cluster_dir/stopping" ]; then
      break
    fi
    if [ $((SECONDS - started)) -lt 10 ]; then
      quick_failures=$((quick_failures + 1))
    else
      quick_failures=0
    fi
    if [ "$quick_failures" -ge 5 ]; then
      printf 'cluster: silo %s failed 5 times right after starting; not starting it again\n' "$i" >>"$logs/silo-$i.log"
      break
    fi
    printf 'cluster: silo %s exited with %s at %s; starting it again in 1 s\n' "$i" "$code" "$(date +%T)" >>"$logs/silo-$i.log"
    sleep 1
  done
  rm -f "$pids/silo-$i.pid" "$pids/supervise-silo-$i.pid"
}

for i in $(seq 1 "$silos"); do
  : >"$logs/silo-$i.log"
  supervise "$i" </dev/null >/dev/null 2>&1 &
  echo $! >"$pids/supervise-silo-$i.pid"
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

fail() { # message: stop whatever was started, then give up
  log "$1"
  "$root/scripts/cluster-down.sh" >/dev/null 2>&1 || true
  exit 1
}

for i in $(seq 1 "$silos"); do
  if ! wait_for "$logs/silo-$i.log" "Orleans Silo started" 90 "$pids/supervise-silo-$i.pid"; then
    tail -n 30 "$logs/silo-$i.log" >&2
    fail "silo $i did not start (log: $logs/silo-$i.log)"
  fi
  log "silo $i runs (pid $(cat "$pids/silo-$i.pid"), silo port $((silo_port_base + i)), gateway $((gateway_port_base + i)))"
done

# The Api joins as a cluster client (same Orleans__* and ConnectionStrings__Redis) and seeds the demo stores, which
# it does in cluster mode only when asked (idempotent: a restart or a second Api changes nothing). It reads its
# appsettings.json from its working directory, so it runs in its build folder. A local demo cluster: it accepts the
# public development signing key, so `dotnet run --project Api -- token` works against it.
(
  cd "$api_dir"
  Demo__Seed=true Auth__AllowPublicDevelopmentKey=true Urls="http://127.0.0.1:$api_port" exec nohup dotnet MultiStore.Api.dll >"$logs/api.log" 2>&1
) &
echo $! >"$pids/api.pid"
api_deadline=$((SECONDS + 90))
until curl -fsS -o /dev/null "http://127.0.0.1:$api_port/health/ready" 2>/dev/null; do
  if ! alive "$pids/api.pid"; then
    tail -n 30 "$logs/api.log" >&2
    fail "the Api exited before it was ready (log: $logs/api.log)"
  fi
  if [ "$SECONDS" -ge "$api_deadline" ]; then
    tail -n 30 "$logs/api.log" >&2
    fail "the Api was not ready within 90 s (log: $logs/api.log)"
  fi
  sleep 0.5
done
log "Api runs on http://127.0.0.1:$api_port (pid $(cat "$pids/api.pid")), ready: connected to the cluster, storage reachable"

log "logs: $logs; stop with scripts/cluster-down.sh"
