#!/usr/bin/env bash
# Intake from outside the process with wrk (Debian's `wrk`), against a published service on a fresh SQLite database:
#   tests/Klarsicht.Benchmarks/wrk/intake.sh <publish dir> [rate=5000] [connections=32] [seconds=8]
# Phases, one service process: "cold" (the first seconds after /readyz: the JIT still compiling), "warm"
# (saturation: as many deliveries as the service takes), then three phases paced at <rate>/s, where the
# latency is read at that load. Prints deliveries/s, latency percentiles, the service's CPU per delivery and
# its group-commit histogram (klarsicht_intake_commit_seconds), then the machine.
set -euo pipefail
publish="$(cd "${1:?usage: intake.sh <publish dir> [rate] [connections] [seconds]}" && pwd)"
rate="${2:-5000}"
connections="${3:-32}"
seconds="${4:-8}"
here="$(cd "$(dirname "$0")" && pwd)"
port="${KLARSICHT_BENCH_PORT:-18080}"
url="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
data="$(mktemp -d /tmp/klarsicht-wrk.XXXXXX)"
# The publish directory as the working directory, as in the container: its appsettings.json applies, and the
# database sits outside the content root (whose file watcher would otherwise see every write to the log).
(cd "$publish" && exec env Urls="$url" Logging__LogLevel__Default=Warning \
  ConnectionStrings__Klarsicht="Data Source=$data/klarsicht.db" Klarsicht__Storage__Provider=sqlite \
  dotnet "$publish/Klarsicht.Api.dll" >"$data/service.log" 2>&1) &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 200); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.05; done
curl -sf "$url/readyz" >/dev/null || { echo "the service did not become ready:" >&2; cat "$data/service.log" >&2; exit 1; }
sleep 3

cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$pid/stat"; }
commits() {
  curl -s "$url/metrics" | awk '/^klarsicht_intake_commit_seconds_bucket/ { split($1, a, "\""); printf "%s<=%s ", $2, a[2] } /^klarsicht_intake_batch_alerts_(sum|count)/ { v[$1] = $2 } END { if (v["klarsicht_intake_batch_alerts_count"] > 0) printf "| mean %.1f alerts/commit", v["klarsicht_intake_batch_alerts_sum"] / v["klarsicht_intake_batch_alerts_count"] }'
}
phase() {
  local name="$1"; shift
  local before after out
  before="$(cpu)"
  out="$(wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/intake.lua" --latency "$url" "$@" 2>&1)"
  after="$(cpu)"
  echo "$out" | awk -v name="$name" -v before="$before" -v after="$after" '
    /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = $2 } $1 == "90%" { p90 = $2 } $1 == "99%" { p99 = $2 }
    $1 == "Latency" && NF >= 4 { max = $4 } /non-2xx/ { errors = $0 }
    END { printf "%-12s %6d deliveries/s  p50 %-8s p90 %-8s p99 %-8s max %-8s  service CPU %.3f ms/delivery  (%s)\n", name, rps, p50, p90, p99, max, (after - before) * 1000 / n, errors }'
  sleep 2
}

echo "intake with wrk: $connections connections, ${seconds} s per phase, service $publish, SQLite"
phase cold
phase warm
for i in 1 2 3; do phase "paced $rate" -- "$rate"; done
echo "group commits (cumulative, seconds<=bucket): $(commits)"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
