#!/usr/bin/env bash
# Heartbeat pings with the whole system co-located: all six services (Release) on loopback with their own database and
# virtual host, MONITORS (10,000) heartbeat monitors, wrk driving GET /ping/{token} over all of them: a warm-up (every
# token once, at most WARMUP_LIMIT 60 s, then WARMUP 5 s at random; fills the token cache, not counted) and then
# DURATION (20 s) at random (ping.lua) with CONNECTIONS (128) connections on THREADS (2) threads. Reports pings/s, p50/p90/p99 latency (wrk), the
# count Telemetry-Ingest stored against the count answered 200 (lost = answered 200 but not stored), how long the
# consumers needed after wrk stopped to empty every queue, and CPU seconds per ping of each process (utime+stime from
# /proc, from the start of the measured run until every queue is empty: a consumer's backlog is part of the cost).
# PostgreSQL = this database's backends + the server's auxiliary processes; RabbitMQ = beam.smp (both shared servers:
# other clients' work on the box is included). Needs PostgreSQL, RabbitMQ (management plugin) and Redis on localhost
# as the tests do, and wrk (apt-get install wrk). Dropped afterwards. Every step is bounded in time.
#
# Monitors: one heartbeat is created through the API; once the Scheduler and Alert-Evaluation hold their copies of
# it, the script clones it MONITORS-1 times in SQL in every schema that keeps a per-monitor row (Gateway's catalog,
# Scheduler's schedule and heartbeat, Alert-Evaluation's monitor copy), with predictable ping tokens
# hbbench000000000000000..(MONITORS-1) that ping.lua picks from. 10,000 API calls and their catalog events would
# take minutes on this box and are not what is measured.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)
MONITORS=${MONITORS:-10000}
WARMUP=${WARMUP:-5}
WARMUP_LIMIT=${WARMUP_LIMIT:-60}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-128}
THREADS=${THREADS:-2}
PG_HOST=${PG_HOST:-localhost}
PG_USER=${PG_USER:-sentinel}
export PGPASSWORD=${PGPASSWORD:-sentinel}
RABBIT=${RABBIT_MANAGEMENT:-http://localhost:15672}
RABBIT_AUTH=${RABBIT_AUTH:-guest:guest}
rabbit() { curl -u "$RABBIT_AUTH" "$@"; }
NAME=hb_bench_$(date +%H%M%S)_$$
DB=$NAME
VHOST=$NAME
KEY=sk_bench_heartbeats_0000000000000000000000000
SERVICES=(Gateway Scheduler AlertEvaluation TelemetryIngest Checker Delivery)
LOGS=/tmp/$NAME
mkdir -p "$LOGS"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
sql() { psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -v ON_ERROR_STOP=1 -qtAc "$1"; }

echo "== $(date -u +%FT%TZ) load: $(load)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for s in "${SERVICES[@]}"; do
    dotnet build "$ROOT/services/$s/Sentinel.$s.csproj" -c Release -v quiet -nologo >/dev/null
  done
fi
dll() { echo "$ROOT/services/$1/bin/Release/net10.0/Sentinel.$1.dll"; }

declare -A PID PORT
cleanup() {
  for s in "${SERVICES[@]}"; do [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null || true; done
  for s in "${SERVICES[@]}"; do [ -n "${PID[$s]:-}" ] && timeout 40 tail --pid="${PID[$s]}" -f /dev/null || true; done
  # KEEP_DB=1 keeps the database for a look afterwards (EXPLAIN, pg_stat_user_tables); drop it by hand.
  [ "${KEEP_DB:-0}" = 1 ] && echo "kept database $DB" \
    || psql -h "$PG_HOST" -U "$PG_USER" -d sentinel -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rabbit -s -o /dev/null -X DELETE "$RABBIT/api/vhosts/$VHOST" || true
}
trap cleanup EXIT

psql -h "$PG_HOST" -U "$PG_USER" -d sentinel -qc "create database $DB" >/dev/null
rabbit -sf -o /dev/null -X PUT "$RABBIT/api/vhosts/$VHOST"
rabbit -sf -o /dev/null -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$RABBIT/api/permissions/$VHOST/guest"

read -r -a FREE <<<"$(python3 -c 'import socket
s=[socket.socket() for _ in range(6)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')"
i=0
for s in "${SERVICES[@]}"; do PORT[$s]=${FREE[$i]}; export "Services__$s=http://127.0.0.1:${PORT[$s]}"; i=$((i + 1)); done
# No TLS to PostgreSQL on loopback (PG_SSL_MODE=Prefer to measure with it): encrypting every result set cost CPU on
# both ends for a connection that never leaves the machine.
export ConnectionStrings__Postgres="Host=$PG_HOST;Database=$DB;Username=$PG_USER;Password=$PGPASSWORD;SSL Mode=${PG_SSL_MODE:-Disable}"
export RabbitMq__VirtualHost=$VHOST
export Gateway__BootstrapApiKey=$KEY
export Logging__LogLevel__Default=Warning
export Logging__Console__FormatterName=simple
# JIT-compiled frames named for perf (and not double-mapped, or perf cannot resolve them).
[ -n "${PROFILE:-}" ] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
# RUNTIME=tuned (the default; RUNTIME=default leaves .NET's defaults): what docs/operations.md recommends when the
# services share a few cores — workstation GC (server GC's per-core heaps and spinning GC threads cost CPU that the
# co-located processes need), a larger gen0 budget (fewer GCs under a steady allocation rate), no thread-pool
# spinning before a worker sleeps (perf showed sched_yield loops) and no tiered PGO (its instrumented tier and
# re-JIT showed up as 20-30% of the Scheduler's and Gateway's CPU in a 20 s run).
if [ "${RUNTIME:-tuned}" = tuned ]; then
  export DOTNET_gcServer=0 DOTNET_GCgen0size=0x4000000 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_TieredPGO=0
fi
echo "runtime: ${RUNTIME:-tuned} ($(env | grep -E '^DOTNET_(gc|GC|ThreadPool|Tiered)' | tr '\n' ' '))"
GATEWAY=http://127.0.0.1:${PORT[Gateway]}

for s in Gateway Scheduler AlertEvaluation TelemetryIngest Delivery; do
  (cd "$(dirname "$(dll $s)")" && timeout 120 dotnet "$(dll $s)" migrate >"$LOGS/$s.migrate.log" 2>&1) \
    || { echo "migrating $s failed:"; tail -20 "$LOGS/$s.migrate.log"; exit 1; }
done
# <Service>_ENV="NAME=value ...": extra environment for that service only (an experiment on one process).
for s in "${SERVICES[@]}"; do
  extra="${s}_ENV"
  # shellcheck disable=SC2086 # word-split on purpose: NAME=value pairs
  (cd "$(dirname "$(dll $s)")" && exec env ${!extra:-} dotnet "$(dll $s)" --urls "http://127.0.0.1:${PORT[$s]}") >"$LOGS/$s.log" 2>&1 &
  PID[$s]=$!
done
for s in "${SERVICES[@]}"; do
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null "http://127.0.0.1:${PORT[$s]}/health/ready" && break
    kill -0 "${PID[$s]}" 2>/dev/null || { echo "$s exited:"; tail -30 "$LOGS/$s.log"; exit 1; }
    sleep 0.5
  done
  curl -sf -o /dev/null "http://127.0.0.1:${PORT[$s]}/health/ready" || { echo "$s not ready after 90 s"; exit 1; }
done
echo "services ready (logs in $LOGS); load: $(load)"

# The template: created through the API, then waited for in the Scheduler and Alert-Evaluation.
TEMPLATE=$(curl -sf -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
  -d '{"name":"bench 0","type":"heartbeat","periodSeconds":3600,"graceSeconds":300}' "$GATEWAY/api/v1/monitors" | jq -r .id)
for _ in $(seq 1 120); do
  [ "$(sql "select (select count(*) from scheduler.heartbeats where monitor_id = '$TEMPLATE')
             + (select count(*) from alerting.monitors where monitor_id = '$TEMPLATE')")" = 2 ] && break
  sleep 0.5
done
# One ping turns the template 'up' in every service, so its clones start up: a first ping's status change (an event to
# the Gateway, Delivery and the live stream per monitor) is not what is measured.
sql "update gateway.monitors set ping_token = 'hbbench' || lpad('0', 15, '0') where id = '$TEMPLATE'" >/dev/null
curl -sf -o /dev/null "$GATEWAY/ping/hbbench000000000000000"
for _ in $(seq 1 120); do
  [ "$(sql "select (select count(*) from scheduler.heartbeats where monitor_id = '$TEMPLATE' and last_ping_at is not null)
             + (select count(*) from alerting.monitor_states where monitor_id = '$TEMPLATE' and status = 'up')
             + (select count(*) from gateway.monitors where id = '$TEMPLATE' and status = 'up')")" = 3 ] && break
  sleep 0.5
done
psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
create table public.bench_ids as select i, gen_random_uuid() as id from generate_series(1, $MONITORS - 1) i;
do \$\$
declare t record; cols text; vals text; idcol text;
begin
  for t in select * from (values ('gateway', 'monitors', 'id'), ('scheduler', 'schedules', 'monitor_id'),
                                 ('scheduler', 'heartbeats', 'monitor_id'), ('alerting', 'monitors', 'monitor_id'),
                                 ('alerting', 'monitor_states', 'monitor_id'))
             as x(schema_name, table_name, id_column) loop
    -- Every other column copied from the template's row; the id, token, name and other unique columns made unique.
    select string_agg(quote_ident(column_name), ', '),
           string_agg(case column_name
                        when t.id_column then 'b.id'
                        when 'ping_token' then '''hbbench'' || lpad(b.i::text, 15, ''0'')'
                        when 'name' then '''bench '' || b.i'
                        when 'public_id' then 'md5(random()::text || b.i)'
                        else 'x.' || quote_ident(column_name) end, ', ')
      into cols, vals from information_schema.columns
     where table_schema = t.schema_name and table_name = t.table_name and is_generated = 'NEVER'
       and column_name not in ('xmin');
    execute format('insert into %I.%I (%s) select %s from %I.%I x, public.bench_ids b where x.%I = %L',
                   t.schema_name, t.table_name, cols, vals, t.schema_name, t.table_name, t.id_column, '$TEMPLATE');
  end loop;
end
\$\$;
SQL
echo "monitors: gateway $(sql "select count(*) from gateway.monitors where ping_token like 'hbbench%' and status = 'up'") up, scheduler $(sql "select count(*) from scheduler.heartbeats where last_ping_at is not null") pinged, alerting $(sql "select count(*) from alerting.monitor_states where status = 'up'") up"

export MONITORS THREADS
# Warm-up: every token once (ping.lua stops each thread when its share is done; at most WARMUP_LIMIT s), then WARMUP s
# of random pings, then until every queue is empty: first pings turn monitors 'up', which is not what is measured.
WALK=1 timeout $((WARMUP_LIMIT + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_LIMIT}s" -s ping.lua "$GATEWAY" | grep RESULT | sed 's/RESULT/warm-up walk:/'
timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s ping.lua "$GATEWAY" | grep RESULT | sed 's/RESULT/warm-up:/'
echo "monitors up: $(sql "select count(*) from alerting.monitor_states where status = 'up'")"

queued() { rabbit -sf "$RABBIT/api/queues/$VHOST?columns=messages" | jq '[.[].messages // 0] | add // 0'; }
drain() { # until every queue of the vhost is empty (bounded); prints the seconds it took
  local start=$SECONDS
  for _ in $(seq 1 240); do [ "$(queued)" = 0 ] && break; sleep 0.5; done
  echo $((SECONDS - start))
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { # pid:ticks of this database's backends and the server's own processes
  local p
  for p in $(psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -qtAc \
      "select pid from pg_stat_activity where datname = '$DB' or backend_type <> 'client backend'"); do
    printf '%s:%s,' "$p" "$(ticks "$p")"
  done
}
RABBIT_PID=$(pgrep -o -x beam.smp || echo 0)
snapshot() {
  local s
  for s in "${SERVICES[@]}"; do printf '%s=%s ' "$s" "$(ticks "${PID[$s]}")"; done
  printf 'PostgreSQL=%s RabbitMQ=%s\n' "$(pg_ticks)" "$(ticks "$RABBIT_PID")"
}
echo "warm-up drained in $(drain) s"

# What the system costs with nothing to do: IDLE (10) seconds without pings, per process in % of one core. It is in the
# per-ping figures below too (spread over the pings), so it tells fixed cost from the cost of pings.
IDLE=${IDLE:-10}
IDLE_BEFORE=$(snapshot)
sleep "$IDLE"
IDLE_AFTER=$(snapshot)
python3 - "$IDLE_BEFORE" "$IDLE_AFTER" "$(getconf CLK_TCK)" "$IDLE" <<'PY'
import sys
def parse(text):
    d = dict(kv.split("=") for kv in text.split())
    pg = dict(x.split(":") for x in d.pop("PostgreSQL").split(",") if x)
    return d, pg
(before, pg_before), (after, pg_after) = parse(sys.argv[1]), parse(sys.argv[2])
hz, seconds = int(sys.argv[3]), float(sys.argv[4])
rows = [(k, int(after[k]) - int(before[k])) for k in before]
rows.append(("PostgreSQL", sum(int(t) - int(pg_before.get(p, 0)) for p, t in pg_after.items())))
print(f"idle for {seconds:g} s, CPU in % of one core: " + ", ".join(f"{k} {t / hz / seconds * 100:.1f}" for k, t in rows)
      + f"; total {sum(t for _, t in rows) / hz / seconds * 100:.1f}")
PY

published() { rabbit -sf "$RABBIT/api/vhosts/$VHOST" | jq '.message_stats.publish // 0'; }
STORED_BEFORE=$(sql "select count(*) from telemetry.heartbeat_pings")
PUBLISHED_BEFORE=$(published)
echo "== measured run ($DURATION s, $CONNECTIONS connections, $THREADS threads), load: $(load)"
BEFORE=$(snapshot)
# PROFILE="Gateway AlertEvaluation" (needs perf): CPU-sample those services with perf during the run, into $LOGS.
for s in ${PROFILE:-}; do
  perf record -F 299 -g -p "${PID[$s]}" -o "$LOGS/$s.perf.data" -- sleep $((DURATION - 5)) >"$LOGS/$s.perf.log" 2>&1 &
done
# PG_ACTIVITY=1: what this database's sessions are doing, once a second until the queues are empty (pg_activity.log).
if [ "${PG_ACTIVITY:-0}" = 1 ]; then
  (for _ in $(seq 1 200); do
     psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -qtAc "select now()::time, application_name, state, wait_event, left(regexp_replace(query, '\s+', ' ', 'g'), 160)
       from pg_stat_activity where datname = '$DB' and state <> 'idle' and pid <> pg_backend_pid()" 2>/dev/null || break
     sleep 1
   done) >"$LOGS/pg_activity.log" &
fi
# wrk's own CPU: the wrapping shell's cutime+cstime once wrk (its child) has ended.
WRK_OUT=$(timeout $((DURATION + 30)) sh -c 'wrk "$@"; echo "WRKCPU $(cut -d" " -f16,17 /proc/$$/stat)"' wrk \
  -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s ping.lua "$GATEWAY")
LOAD_AFTER=$(load)
RESULT=$(grep RESULT <<<"$WRK_OUT")
echo "$RESULT"
grep -A4 'Latency Distribution' <<<"$WRK_OUT" || true
DRAINED=$(drain)
AFTER=$(snapshot)
STORED=$(( $(sql "select count(*) from telemetry.heartbeat_pings") - STORED_BEFORE ))
OK=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$RESULT")
REQUESTS=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$RESULT")
echo "load at wrk's end: $LOAD_AFTER; queues empty ${DRAINED} s after wrk stopped"
# Every message published into the vhost during the run (HeartbeatsPacked batches, plus the services' own few).
MESSAGES=$(( $(published) - PUBLISHED_BEFORE ))
echo "messages published: $MESSAGES ($(( STORED / (MESSAGES > 0 ? MESSAGES : 1) )) pings per message)"
echo "stored by Telemetry-Ingest: $STORED; answered 200: $OK; lost (200 but not stored): $(( OK > STORED ? OK - STORED : 0 ))"
[ "$STORED" -ge "$OK" ] && echo "stored >= answered 200: yes (extra = requests cut off when wrk stopped)" \
  || echo "stored >= answered 200: NO"

HZ=$(getconf CLK_TCK)
read -r _ WRK_U WRK_S <<<"$(grep WRKCPU <<<"$WRK_OUT")"
python3 - "$BEFORE" "$AFTER" "$((WRK_U + WRK_S))" "$HZ" "$OK" <<'PY'
import sys
before = dict(kv.split("=") for kv in sys.argv[1].split())
after = dict(kv.split("=") for kv in sys.argv[2].split())
# PostgreSQL: per process, so backends that started during the run count from 0 (ones that ended are missed).
def pids(text): return dict(x.split(":") for x in text.split(",") if x)
pg_before, pg_after = pids(before["PostgreSQL"]), pids(after["PostgreSQL"])
before["PostgreSQL"] = "0"
after["PostgreSQL"] = str(sum(int(t) - int(pg_before.get(p, 0)) for p, t in pg_after.items()))
wrk, hz, pings = int(sys.argv[3]), int(sys.argv[4]), max(1, int(sys.argv[5]))
rows = [(k, int(after[k]) - int(before[k])) for k in before] + [("wrk", wrk)]
total = sum(t for _, t in rows)
print(f"CPU per ping (µs), {pings} pings answered 200, measured run + drain:")
for name, t in rows:
    print(f"  {name:16} {t / hz:7.2f} s  {t / hz / pings * 1e6:7.1f} µs/ping")
print(f"  {'total':16} {total / hz:7.2f} s  {total / hz / pings * 1e6:7.1f} µs/ping")
PY
