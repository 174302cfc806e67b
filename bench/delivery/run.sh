#!/usr/bin/env bash
# Delivery throughput to a loopback webhook receiver with 50 ms latency. Needs PostgreSQL and RabbitMQ on localhost
# (as for the tests). NOTIFICATIONS and CHANNELS override the defaults (6000 over 100 channels).
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project Delivery.Bench.csproj
