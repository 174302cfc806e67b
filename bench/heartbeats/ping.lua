-- wrk script: GET /ping/{token} over MONITORS tokens named hbbench000000000000000..N-1 (random order). The answers
-- are counted by status so the run can compare "answered 200" with what reached RabbitMQ.
--
-- The load tool shares the box's two cores with the system it measures, so its own cost per request is kept low:
-- every thread builds its MONITORS requests once in init() and request() only picks one, and the measured run
-- defines no response() callback (with one, wrk hands every response's headers and body to Lua). Its answers are
-- counted from wrk's own summary instead: errors.status counts the responses with a status above 399, and this
-- endpoint answers nothing but 200 or an error, so ok = requests - errors.status.
local monitors = tonumber(os.getenv("MONITORS") or "10000")
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local requests = {}

function init(args)
  ok, unavailable, limited, other = 0, 0, 0, 0
  math.randomseed(os.time() + id * 7919)
  for index = 0, monitors - 1 do
    requests[index] = wrk.format("GET", string.format("/ping/hbbench%015d", index))
  end
end

-- WALK=1 (the warm-up) visits every token once, each thread its share, and stops the thread when its share is done:
-- the measured run starts with a warm token cache and every monitor already 'up' (first pings change state).
local walk = os.getenv("WALK") == "1"
local step = 0
local stride = tonumber(os.getenv("THREADS") or "2")

function request()
  if walk then
    local index = math.min(step * stride + (id or 1) - 1, monitors - 1)
    step = step + 1
    return requests[index]
  end
  return requests[math.random(0, monitors - 1)]
end

if walk then
  function response(status, headers, body)
    if step * stride + (id or 1) - 1 >= monitors + stride then wrk.thread:stop() end
    if status == 200 then ok = ok + 1
    elseif status == 503 then unavailable = unavailable + 1
    elseif status == 429 then limited = limited + 1
    else other = other + 1 end
  end
end

function done(summary, latency, requests)
  local total = { ok = 0, unavailable = 0, limited = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(total) do total[key] = total[key] + (thread:get(key) or 0) end
  end
  local errors = summary.errors.status
  if not walk then
    -- No per-response callback (see the top): 503 and 429 are not told apart, every error status counts as other.
    total.ok = summary.requests - errors
    total.other = errors
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f ok=%d unavailable=%d limited=%d other=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, total.ok, total.unavailable, total.limited, total.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
