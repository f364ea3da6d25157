#!/usr/bin/env bash
# The flash-sale benchmark (issue 4): builds Silo, Api and bench in Release, then runs bench/ — which starts
# PostgreSQL and Redis (scripts/services.sh), its own durable cluster (silo process + Api in cluster mode, on
# ports 11291/30291/5190, database multistore_bench) and every target, and stops the cluster at the end.
#
#   scripts/bench.sh                 all scenarios, all targets (about 5 minutes on 2 cores)
#   scripts/bench.sh --quick         a smoke run (about 1 minute)
#   scripts/bench.sh flash-sale --targets grain,redis-lua --concurrency 64,256
#   scripts/bench.sh --help          every option
#
# Tables go to stdout, progress to stderr, JSON to bench/results/<scenario>-<timestamp>.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build bench/MultiStore.Bench.csproj -c Release -v quiet -nologo >/tmp/multistore-bench-build.log 2>&1; then
  tail -n 30 /tmp/multistore-bench-build.log >&2
  echo "bench: build failed (log: /tmp/multistore-bench-build.log)" >&2
  exit 1
fi
exec dotnet bench/bin/Release/net10.0/MultiStore.Bench.dll "$@"
