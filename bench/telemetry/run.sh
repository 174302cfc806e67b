#!/usr/bin/env bash
# Telemetry benchmarks against the local PostgreSQL and RabbitMQ (loopback only). `bash bench/telemetry/run.sh` runs
# everything and prints every figure (see docs/benchmarks.md, Telemetry). Usage: bench/telemetry/run.sh
# [ingest|stats|all] [--count N] [--singles N] [--per-message N] [--format packed|json] [--monitors N] [--queries N]
# [--fresh]. ingest (own database/vhost, dropped afterwards): --singles results one message each (default 10,000;
# 0 skips), then 2 × --count (default 100,000) results in messages of --per-message (default 500): MonitorCheckedPacked
# as the Checker publishes them, or MonitorCheckedBatch with --format json (for an A/B), then as many
# queued before the service starts (backlog), then the writer alone. stats: the generated data is kept in the database
# bench_telemetry_stats_<monitors> and topped up on the next run; --fresh regenerates it.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release services/TelemetryIngest/Sentinel.TelemetryIngest.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/telemetry/Sentinel.Bench.Telemetry.csproj -v q -nologo >/dev/null
uptime
exec dotnet bench/telemetry/bin/Release/net10.0/Sentinel.Bench.Telemetry.dll "${1:-all}" \
  --service services/TelemetryIngest/bin/Release/net10.0/Sentinel.TelemetryIngest.dll "${@:2}"
