#!/usr/bin/env bash
# Alert-Evaluation throughput: results evaluated per second by one instance, through RabbitMQ (results batched in
# MonitorCheckedBatch messages as the Checker publishes them, then one message per result) and without it.
# Needs PostgreSQL, RabbitMQ and Redis on localhost (as for the tests); uses its own database and vhost, dropped
# afterwards. Knobs (environment): RESULTS (40000), MONITORS (1000), BATCH (500 results per message),
# RESULT_BATCH_MESSAGES (messages per transaction, the service's default 10), SINGLES=0 skips the one-per-result phase,
# BENCH_TRACE=1 logs each transaction's size and duration, BENCH_SQL=1 logs every SQL command (for profiling).
set -euo pipefail
cd "$(dirname "$0")"
uptime
dotnet run -c Release --project Alerting.Bench.csproj
