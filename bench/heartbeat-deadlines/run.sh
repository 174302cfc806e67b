#!/usr/bin/env bash
# Missed deadline → webhook latency with many heartbeats: six service processes on a fresh database and virtual host,
# HEARTBEATS heartbeat monitors (period PERIOD s, grace GRACE s) of which LATE stop pinging after one ping while the
# others keep pinging every PERIOD/2 s. Reports when each late monitor's 'down' webhook arrived after its deadline
# (last ping sent + period + grace). Needs PostgreSQL, RabbitMQ (management plugin) and Redis on localhost, as the
# tests do. Then FLOOD_SECONDS (20) of FLOOD_CONNECTIONS (128) concurrent pings with every service running, and the
# count Telemetry-Ingest stored against the count answered 200. Knobs (environment): HEARTBEATS (10000), LATE (500),
# PERIOD (30), GRACE (5), CREATE_CONCURRENCY (32), WARMUP_ROUNDS (3: rounds in which the late monitors still ping),
# DEADLINE (900 s, the whole run).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
for s in Gateway Scheduler Checker TelemetryIngest AlertEvaluation Delivery; do
  dotnet build "$ROOT/services/$s/Sentinel.$s.csproj" -c Release -v quiet -nologo >/dev/null
done
dotnet run -c Release --project HeartbeatDeadlines.Bench.csproj
