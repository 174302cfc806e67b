#!/usr/bin/env bash
# Heartbeat ping throughput of one Gateway on loopback: MONITORS (10,000) heartbeat monitors, wrk driving
# GET /ping/{token} over all of them (random order) for WARMUP (5 s, fills the token cache, not counted) and then
# DURATION (20 s) with CONNECTIONS (128) connections on THREADS (2) threads. Reports pings/s, p50/p90/p99 latency and
# "stored == answered 200": the pings that reached RabbitMQ (counted in the HeartbeatsReceived batches on a queue the
# script binds, i.e. what the real consumers would get) against the 200s wrk saw. Needs PostgreSQL, RabbitMQ
# (management plugin) on localhost as the tests do, and wrk (apt-get install wrk). Uses its own database and vhost,
# dropped afterwards. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
MONITORS=${MONITORS:-10000}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-128}
THREADS=${THREADS:-2}
PORT=${PORT:-5180}
PG_HOST=${PG_HOST:-localhost}
PG_USER=${PG_USER:-sentinel}
export PGPASSWORD=${PGPASSWORD:-sentinel}
RABBIT=${RABBIT_MANAGEMENT:-http://localhost:15672}
RABBIT_AUTH=${RABBIT_AUTH:-guest:guest}
rabbit() { curl -u "$RABBIT_AUTH" "$@"; }
NAME=hb_bench_$(date +%H%M%S)_$$
DB=$NAME
VHOST=$NAME
QUEUE=bench-heartbeats-received
EXCHANGE='Sentinel.Contracts:HeartbeatsReceived'
KEY=sk_bench_heartbeats_0000000000000000000000000
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

echo "== $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"
dotnet build "$ROOT/services/Gateway/Sentinel.Gateway.csproj" -c Release -v quiet -nologo >/dev/null
DLL="$ROOT/services/Gateway/bin/Release/net10.0/Sentinel.Gateway.dll"

GATEWAY_PID=""
cleanup() {
  [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null || true
  psql -h "$PG_HOST" -U "$PG_USER" -d sentinel -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rabbit -s -o /dev/null -X DELETE "$RABBIT/api/vhosts/$VHOST" || true
}
trap cleanup EXIT

psql -h "$PG_HOST" -U "$PG_USER" -d sentinel -qc "create database $DB" >/dev/null
rabbit -sf -o /dev/null -X PUT "$RABBIT/api/vhosts/$VHOST"
rabbit -sf -o /dev/null -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$RABBIT/api/permissions/$VHOST/guest"
# What a consumer of HeartbeatsReceived declares (MassTransit: a durable fanout exchange per message type).
rabbit -sf -o /dev/null -X PUT -H 'content-type: application/json' -d '{"type":"fanout","durable":true}' \
  "$RABBIT/api/exchanges/$VHOST/$(printf %s "$EXCHANGE" | jq -sRr @uri)"
rabbit -sf -o /dev/null -X PUT -H 'content-type: application/json' -d '{"durable":true}' "$RABBIT/api/queues/$VHOST/$QUEUE"
rabbit -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{}' \
  "$RABBIT/api/bindings/$VHOST/e/$(printf %s "$EXCHANGE" | jq -sRr @uri)/q/$QUEUE"

export ConnectionStrings__Postgres="Host=$PG_HOST;Database=$DB;Username=$PG_USER;Password=$PGPASSWORD;Maximum Pool Size=50"
export RabbitMq__VirtualHost=$VHOST
export Gateway__BootstrapApiKey=$KEY
export Urls=http://127.0.0.1:$PORT
export Logging__LogLevel__Default=Warning
timeout 120 dotnet "$DLL" migrate >/dev/null
dotnet "$DLL" >/tmp/$NAME.log 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/ping-key" && break
  sleep 0.5
done

# One heartbeat through the API, then cloned in SQL with predictable tokens hbbench000000000000000..(MONITORS-1).
TEMPLATE=$(curl -sf -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
  -d '{"name":"bench 0","type":"heartbeat","periodSeconds":3600}' "http://127.0.0.1:$PORT/api/v1/monitors" | jq -r .id)
psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
update gateway.monitors set ping_token = 'hbbench' || lpad('0', 15, '0') where id = '$TEMPLATE';
do \$\$
declare cols text; vals text;
begin
  -- Every other column copied from the template; other unique columns (a badge's public id) made unique.
  select string_agg(quote_ident(column_name), ', '),
         string_agg(case when column_name = 'public_id' then 'md5(random()::text || i)' else quote_ident(column_name) end, ', ')
    into cols, vals from information_schema.columns
   where table_schema = 'gateway' and table_name = 'monitors' and column_name not in ('id', 'ping_token', 'name');
  execute format('insert into gateway.monitors (id, ping_token, name, %s) select gen_random_uuid(), ''hbbench'' || lpad(i::text, 15, ''0''), ''bench '' || i, %s from gateway.monitors, generate_series(1, $MONITORS - 1) i where id = %L', cols, vals, '$TEMPLATE');
end
\$\$;
SQL
echo "monitors: $(psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -tAc "select count(*) from gateway.monitors where ping_token like 'hbbench%'")"

export MONITORS THREADS
WALK=1 timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s ping.lua "http://127.0.0.1:$PORT" | grep RESULT | sed 's/RESULT/warmup:/'
sleep 2
rabbit -sf -o /dev/null -X DELETE "$RABBIT/api/queues/$VHOST/$QUEUE/contents"
echo "== measured run ($DURATION s, $CONNECTIONS connections, $THREADS threads), load: $(uptime | sed 's/.*load average: //')"
RESULT=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s ping.lua "http://127.0.0.1:$PORT" | grep RESULT)
echo "$RESULT"
sleep 3 # batches still in flight when wrk stopped

# Count the pings RabbitMQ holds: drain the queue through the management API (bounded: at most 2,000 fetches).
STORED=$(RABBIT="$RABBIT" RABBIT_AUTH="$RABBIT_AUTH" VHOST="$VHOST" QUEUE="$QUEUE" timeout 300 python3 - <<'PY'
import base64, json, os, urllib.request
base, auth, vhost, queue = os.environ["RABBIT"], os.environ["RABBIT_AUTH"], os.environ["VHOST"], os.environ["QUEUE"]
request = lambda body: urllib.request.Request(f"{base}/api/queues/{vhost}/{queue}/get", data=json.dumps(body).encode(),
    headers={"content-type": "application/json", "authorization": "Basic " + base64.b64encode(auth.encode()).decode()})
pings = batches = 0
for _ in range(2000):
    messages = json.load(urllib.request.urlopen(request({"count": 200, "ackmode": "ack_requeue_false", "encoding": "auto"}), timeout=60))
    if not messages:
        break
    for m in messages:
        batches += 1
        pings += len(json.loads(m["payload"])["message"]["pings"])
print(pings, batches)
PY
)
read -r STORED_PINGS BATCHES <<<"$STORED"
OK=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$RESULT")
echo "stored in RabbitMQ: $STORED_PINGS pings in $BATCHES batches; answered 200: $OK; lost (200 but not stored): $(( OK > STORED_PINGS ? OK - STORED_PINGS : 0 ))"
if [ "$STORED_PINGS" -ge "$OK" ]; then echo "stored >= answered 200: yes (extra = requests cut off when wrk stopped)"; else echo "stored >= answered 200: NO"; fi
