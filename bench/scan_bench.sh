#!/usr/bin/env bash
# End-to-end scan benchmark: generate a world of N domains (cached), serve it
# with Knot DNS on 127.0.0.1, scan it, and print one line per size with
# domains/s, queries/s, queries per domain, peak RSS and rows written.
#
#   bench/scan_bench.sh [--build DIR] [-c CONCURRENCY] [--cache-mb M]
#                       [--checks LIST] [N ...]
#
# Sizes default to 10000 100000 (RSS must stay flat between them); ask for
# 1000000 explicitly. With two or more CPUs the server runs on CPU 0 and
# the scanner on CPU 1 (taskset), so each has a core of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
concurrency=
cache_mb=
checks=
sizes=()
while (($#)); do
  case "$1" in
  --build) build=$2; shift 2 ;;
  -c) concurrency=$2; shift 2 ;;
  --cache-mb) cache_mb=$2; shift 2 ;;
  --checks) checks=$2; shift 2 ;;
  -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
  *) sizes+=("$1"); shift ;;
  esac
done
((${#sizes[@]})) || sizes=(10000 100000)

bin=$build/mailposture
gen=$build/tests/mp_worldgen
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake -S . -B "$build" -DMP_BUILD_TESTS=ON >/dev/null # the generator
cmake --build "$build" -j"$(nproc)" --target mailposture mp_worldgen \
  >/dev/null
work=$build/bench-scan
mkdir -p "$work"
port=${MP_BENCH_PORT:-55373}
server_cpu=() scanner_cpu=()
if [ "$(nproc)" -ge 2 ]; then
  export MP_KNOT_CPU=0
  scanner_cpu=(taskset -c 1)
fi
run=$work/knot
trap 'tests/world/serve.sh stop "$run" >/dev/null 2>&1 || true' EXIT

field() { # field NAME FILE: a number from the one-line summary JSON
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2"
}

for n in "${sizes[@]}"; do
  world=$work/world-$n
  if [ ! -s "$world/world-stats.txt" ]; then
    "$gen" --domains "$n" --seed 1 --out "$world" >/dev/null
  fi
  expected=$(($(wc -l <"$world/truth.tsv") - 1))
  tests/world/serve.sh start "$world" "$port" "$run" >/dev/null 2>&1
  args=(-r "127.0.0.1:$port" -q --summary "$work/summary.json"
        -o "$work/rows.ndjson")
  [ -n "$concurrency" ] && args+=(-c "$concurrency")
  [ -n "$cache_mb" ] && args+=(--cache-mb "$cache_mb")
  [ -n "$checks" ] && args+=(--checks "$checks")
  "${scanner_cpu[@]}" "$bin" "${args[@]}" "$world/domains.txt"
  rows=$(wc -l <"$work/rows.ndjson")
  tests/world/serve.sh stop "$run" >/dev/null
  printf 'scan N=%s rows=%s/%s domains/s=%.0f queries/s=%.0f' \
    "$n" "$rows" "$expected" "$(field domains_per_s "$work/summary.json")" \
    "$(field queries_per_s "$work/summary.json")"
  printf ' queries/domain=%.2f spf_target_queries=%s/%s' \
    "$(field queries_per_row "$work/summary.json")" \
    "$(field spf_target_fetches "$work/summary.json")" \
    "$(sed -n 's/^spf_include_targets=//p' "$world/world-stats.txt")"
  printf ' peak_rss_mib=%.2f anon_rss_mib=%.2f\n' \
    "$(field peak_rss_kib "$work/summary.json" | awk '{print $1/1024}')" \
    "$(field anon_rss_kib "$work/summary.json" | awk '{print $1/1024}')"
  rm -f "$work/rows.ndjson"
  if [ "$rows" != "$expected" ]; then
    echo "scan_bench: $rows rows for $expected lines" >&2
    exit 1
  fi
done
