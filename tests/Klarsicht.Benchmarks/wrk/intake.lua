-- wrk script for the intake path from outside the process (see ../README.md):
--   wrk -t1 -c32 -d10s -s tests/Klarsicht.Benchmarks/wrk/intake.lua --latency http://127.0.0.1:8080
-- Each request a distinct alert (own fingerprint) for one of 500 workloads, as an Alertmanager webhook v4 body.
-- With a rate after "--" (wrk -t1 ... intake.lua --latency URL -- 5000; one thread, which paces all connections) the
-- deliveries are sent at that many per second, so the latency is read at that load rather than at saturation. wrk
-- times each request from its send, so a service that falls behind shows as a lower achieved rate: compare
-- "Requests/sec" with the rate.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } klarsicht_timespec;
int clock_gettime(int clock_id, klarsicht_timespec *tp);
]]
local now_ts = ffi.new("klarsicht_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end
local interval_ms = nil
local next_send_ms = nil
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end
function init(args)
  prefix = string.format("wrk%d-%d-", os.time(), id)
  local rate = tonumber(args[1])
  if rate then
    interval_ms = 1000 / rate
    delay = paced_delay -- wrk looks for delay() after init; without a rate requests go out back to back
  end
end
function paced_delay()
  local now = now_ms()
  if not next_send_ms or next_send_ms < now - 1000 then
    next_send_ms = now -- start, or more than a second behind: do not burst to catch up
  end
  local wait = next_send_ms - now
  next_send_ms = next_send_ms + interval_ms
  if wait < 0 then
    return 0
  end
  return math.floor(wait)
end
function request()
  counter = counter + 1
  local w = counter % 500
  local body = string.format([[{"version":"4","status":"firing","receiver":"klarsicht","groupKey":"{}:{alertname=\"KubePodCrashLooping\"}","alerts":[{"status":"firing","labels":{"alertname":"KubePodCrashLooping","namespace":"bench-%d","pod":"api-%d-5d9c7b8f6d-x2k9p","container":"api","severity":"warning"},"annotations":{"summary":"Pod is crash looping."},"startsAt":"2026-11-25T20:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph","fingerprint":"%s%08x"}]}]], w % 50, w, prefix, counter)
  return wrk.format("POST", "/api/v1/webhooks/alertmanager", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  io.write(string.format("non-2xx-or-3xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
