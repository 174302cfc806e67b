#!/usr/bin/env bash
# Notification throughput: the shared outbox relay (publisher side), then one Delivery instance draining the
# send-notification queue to a loopback webhook receiver with 50 ms latency. Needs PostgreSQL and RabbitMQ on
# localhost (as for the tests). NOTIFICATIONS and CHANNELS override the defaults (10000 over 100 channels); every
# wait is bounded (180 s).
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project Delivery.Bench.csproj
