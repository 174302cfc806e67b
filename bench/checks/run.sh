#!/usr/bin/env bash
# The whole pipeline under load: six service processes on a fresh database and virtual host, a loopback target farm,
# N HTTP monitors created through the API. Needs PostgreSQL, RabbitMQ (management plugin) and Redis on localhost, as
# the tests do. Usage: bench/checks/run.sh [MONITORS] [INTERVAL], e.g. `bench/checks/run.sh 100000 60` for the
# largest-N run (then also WARMUP=60 MEASURE=120 DEADLINE=3600). Knobs (environment): MONITORS (10000), INTERVAL
# (10 s), WARMUP (30 s), MEASURE (60 s), CREATE_CONCURRENCY (32), DEADLINE (900 s, the whole run). Service settings
# pass through (e.g. Checker__MaxConcurrency, Checker__ResultBatchMilliseconds).
set -euo pipefail
cd "$(dirname "$0")"
if [ $# -ge 1 ]; then export MONITORS="$1"; fi
if [ $# -ge 2 ]; then export INTERVAL="$2"; fi
ROOT=$(cd ../.. && pwd)
for s in Gateway Scheduler Checker TelemetryIngest AlertEvaluation Delivery; do
  dotnet build "$ROOT/services/$s/Sentinel.$s.csproj" -c Release -v quiet -nologo >/dev/null
done
dotnet run -c Release --project Checks.Bench.csproj
