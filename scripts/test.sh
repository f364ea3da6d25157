#!/usr/bin/env bash
# Runs the whole MultiStore test suite and ends with one plain line: "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Stock").
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# PostgreSQL and Redis for the cluster tests: installed when missing (as root, e.g. in CI) and started on
# 127.0.0.1:55432 / 56379; the exports it prints (connection strings) reach the tests.
if ! services_env="$("$root/scripts/services.sh" up)"; then
  echo "scripts/services.sh up failed: the cluster tests need PostgreSQL and Redis." >&2
  exit 1
fi
eval "$services_env"

results="$root/.artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# Build once (in parallel), then run the test projects one after another: the cluster tests time failovers
# with processes on these same 2 cores, and other test projects running beside them would skew those clocks.
dotnet build MultiStore.sln --configuration Release
status=$?
if [ "$status" -eq 0 ]; then
  dotnet test MultiStore.sln --configuration Release --no-build -m:1 --logger "trx" --results-directory "$results" "$@"
  status=$?
fi

# dotnet's runners print no overall line: add up the counters of every TRX file.
read -r passed failed total < <(
  cat "$results"/*.trx 2>/dev/null |
    grep -o '<Counters [^>]*' |
    awk '{
      for (i = 1; i <= NF; i++) {
        split($i, kv, "=")
        gsub(/"/, "", kv[2])
        if (kv[1] == "passed") p += kv[2]
        if (kv[1] == "failed") f += kv[2]
        if (kv[1] == "total") t += kv[2]
      }
    } END { print p + 0, f + 0, t + 0 }'
)

echo "${passed} passed, ${failed} failed"

if [ "$status" -ne 0 ]; then
  exit "$status"
fi
if [ "$total" -eq 0 ]; then
  echo "No test ran: treating this as a failure." >&2
  exit 1
fi
