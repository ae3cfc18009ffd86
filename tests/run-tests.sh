#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the .NET SDK:
# installs what the tests need when it is missing (Prometheus and promtool, Alertmanager, PostgreSQL,
# kubectl is optional), starts a throwaway PostgreSQL on loopback, runs `dotnet test` over the solution
# and prints one closing line with the totals.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "run-tests: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # The Debian packages start their own services; ours are started by the tests on private ports.
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  as_root systemctl disable --now prometheus prometheus-alertmanager postgresql >/dev/null 2>&1 || true
fi

# A throwaway PostgreSQL cluster on loopback for the storage tests (the same suite runs on SQLite and PostgreSQL).
pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
pg_dir="$(mktemp -d /tmp/klarsicht-pg.XXXXXX)"
pg_port="${KLARSICHT_TEST_PG_PORT:-55432}"
pg_user="$(id -un)"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg_dir"; pg_user=postgres; fi
cleanup() { run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" -A trust --no-sync >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
export KLARSICHT_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=postgres;Pooling=true;Maximum Pool Size=50"

log="$(mktemp /tmp/klarsicht-test.XXXXXX.log)"
set +e
dotnet test "$repo/Klarsicht.sln" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test prints one "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, Total: N" line per test project.
count() { { grep -Eo "$1:[[:space:]]+[0-9]+" "$log" || true; } | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
