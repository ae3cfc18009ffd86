-- wrk script for the intake path from outside the process (see ../README.md):
--   wrk -t1 -c32 -d10s -s tests/Klarsicht.Benchmarks/wrk/intake.lua --latency http://127.0.0.1:8080
-- Each request a distinct alert (own fingerprint) for one of 500 workloads, as an Alertmanager webhook v4 body.
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
