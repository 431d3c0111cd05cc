#!/usr/bin/env bash
# Compressed output against plain: scans a generated world of N domains
# (served by Knot on 127.0.0.1) into rows.ndjson, rows.ndjson.gz and
# rows.ndjson.zst, ROUNDS times interleaved (plain, gz, zst, plain, ...),
# and prints for each run bytes per row, domains/s and the scanner's CPU
# seconds (user + system, the summary's cpu_s).
#
#   bench/compress_bench.sh [--build DIR] [--rounds R] [--port P] [N]
#
# N defaults to 100000, R to 2. The world is generated once into
# DIR/bench-compress/world-N.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build rounds=2 port=${MP_BENCH_PORT:-55383} n=100000
while (($#)); do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --rounds) rounds=$2; shift 2 ;;
  --port) port=$2; shift 2 ;;
  -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
  *) n=$1; shift ;;
  esac
done

bin=$build/mailposture
work=$build/bench-compress
world=$work/world-$n
run=$work/knot
mkdir -p "$work"
if [ ! -s "$world/world-stats.txt" ]; then
  "$build/tests/mp_worldgen" --domains "$n" --seed 1 --out "$world" >/dev/null
fi
trap 'tests/world/serve.sh stop "$run" >/dev/null 2>&1 || true' EXIT
tests/world/serve.sh start "$world" "$port" "$run" >/dev/null 2>&1

field() { # field NAME FILE: a number from the one-line summary JSON
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2"
}

for ((r = 1; r <= rounds; r++)); do
  for ext in ndjson ndjson.gz ndjson.zst; do
    out=$work/rows.$ext
    rm -f "$out" "$out.mpstate"
    "$bin" -r "127.0.0.1:$port" -q --summary "$work/summary.json" \
      -o "$out" "$world/domains.txt"
    rows=$(field rows "$work/summary.json")
    bytes=$(stat -c %s "$out")
    printf 'round=%d output=%s rows=%s bytes=%s bytes/row=%.1f' "$r" \
      "$ext" "$rows" "$bytes" "$(echo "$bytes $rows" | awk '{print $1/$2}')"
    printf ' domains/s=%.0f cpu_s=%.2f\n' \
      "$(field domains_per_s "$work/summary.json")" \
      "$(field cpu_s "$work/summary.json")"
    rm -f "$out" "$out.mpstate"
  done
done
