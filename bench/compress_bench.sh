#!/usr/bin/env bash
# Compressed output against plain: scans a generated world of N domains
# (served by Knot on 127.0.0.1) into rows.ndjson, rows.ndjson.gz and
# rows.ndjson.zst, ROUNDS times interleaved (plain, gz, zst, plain, ...),
# and prints for each run bytes per row, domains/s, the scanner's CPU
# seconds (user + system, the summary's cpu_s) and CPU per row, and the
# rows whose lookups failed (status error, servfail, timeout: on a loaded
# machine Knot can stall, and such a row is shorter).
#
#   bench/compress_bench.sh [--build DIR] [--rounds R] [--port P]
#                           [--outputs "ndjson ndjson.gz ndjson.zst"] [N]
#
# N defaults to 100000, R to 2. The world is generated once into
# DIR/bench-compress/world-N. A scan that ends with status 3 (lookups
# failed) is reported, not fatal; each run's summary is kept as
# DIR/bench-compress/summary-rR-EXT.json.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build rounds=2 port=${MP_BENCH_PORT:-55383} n=100000
outputs="ndjson ndjson.gz ndjson.zst"
while (($#)); do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --rounds) rounds=$2; shift 2 ;;
  --port) port=$2; shift 2 ;;
  --outputs) outputs=$2; shift 2 ;;
  -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
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
failed() { # FILE: rows with status error, servfail or timeout
  grep -o '"status":{[^}]*}' "$1" |
    awk -F'[:,}]' '{ for (i = 2; i < NF; i++)
      if ($i ~ /"(error|servfail|timeout)"/) s += $(i + 1) } END { print s + 0 }'
}

for ((r = 1; r <= rounds; r++)); do
  for ext in $outputs; do
    out=$work/rows.$ext
    sum=$work/summary-r$r-$ext.json
    rm -f "$out" "$out.mpstate"
    rc=0
    "$bin" -r "127.0.0.1:$port" -q --summary "$sum" -o "$out" \
      "$world/domains.txt" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
      echo "compress_bench: the scan into $out exited $rc" >&2
      exit 1
    fi
    rows=$(field rows "$sum")
    bytes=$(stat -c %s "$out")
    printf 'round=%d output=%s rows=%s bytes=%s bytes/row=%.1f' "$r" \
      "$ext" "$rows" "$bytes" "$(echo "$bytes $rows" | awk '{print $1/$2}')"
    printf ' domains/s=%.0f cpu_s=%.2f cpu_us/row=%.1f failed_rows=%s\n' \
      "$(field domains_per_s "$sum")" "$(field cpu_s "$sum")" \
      "$(echo "$(field cpu_s "$sum") $rows" | awk '{print 1e6*$1/$2}')" \
      "$(failed "$sum")"
    rm -f "$out" "$out.mpstate"
  done
done
