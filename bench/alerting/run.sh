#!/usr/bin/env bash
# Alert-Evaluation throughput: results evaluated per second by one instance, through RabbitMQ and without it.
# Needs PostgreSQL, RabbitMQ and Redis on localhost (as for the tests); uses its own database and vhost, dropped
# afterwards. RESULTS (default 40000) and MONITORS (default 1000) override the sizes.
set -euo pipefail
cd "$(dirname "$0")"
uptime
dotnet run -c Release --project Alerting.Bench.csproj
