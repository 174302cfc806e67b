#!/usr/bin/env bash
# Telemetry benchmarks against the local PostgreSQL and RabbitMQ (loopback only, each in its own database/vhost,
# dropped afterwards). Usage: bench/telemetry/run.sh [ingest|stats|all] [--count N] [--singles N] [--per-message N]
# [--monitors N] [--queries N]. ingest: --singles results one message each (default --count; 0 skips), then
# 2 × --count results in MonitorCheckedBatch messages of --per-message (default 500) results, as the Checker sends them.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release services/TelemetryIngest/Sentinel.TelemetryIngest.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/telemetry/Sentinel.Bench.Telemetry.csproj -v q -nologo >/dev/null
uptime
exec dotnet bench/telemetry/bin/Release/net10.0/Sentinel.Bench.Telemetry.dll "${1:-all}" \
  --service services/TelemetryIngest/bin/Release/net10.0/Sentinel.TelemetryIngest.dll "${@:2}"
