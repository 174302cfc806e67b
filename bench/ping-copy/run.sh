#!/usr/bin/env bash
# PostgreSQL's CPU per stored ping row: INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING (the fallback of
# Telemetry-Ingest's HeartbeatPingWriter) against binary COPY (its fast path), three times each, into a scratch table
# with telemetry.heartbeat_pings' columns and indexes (public.ping_copy_bench, dropped at the end): 400 batches of 250
# rows over 10,000 monitors. Reports the backend's utime+stime per row (from /proc, so run it on the database's host)
# and the client's CPU (the client here uses Npgsql's per-field importer; the service encodes rows with CopyEncoder,
# which costs the client less and PostgreSQL the same). Needs PostgreSQL on localhost as the tests do
# (PING_COPY_CONNECTION overrides the connection string).
set -euo pipefail
cd "$(dirname "$0")"
echo "== $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 600 dotnet run app.cs 2>&1 | grep -E '^(copy|insert):| error '
