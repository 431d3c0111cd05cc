#!/usr/bin/env bash
# CPU per query: the scanner against Knot on loopback, where its own CPU is
# the limit, next to the server's bound, in one invocation on one world.
#
#   bench/cpu_bench.sh [--build DIR] [--baseline BIN] [--rounds K]
#                      [--checks LIST] [N]
#
# Generates a world of N domains (default 100000, seed 1, kept), serves it
# with Knot (CPU 0; the scanner and dnsperf on CPU 1 when there are two),
# logs the queries one scan sends (--query-log) and replays them once with
# dnsperf: the server's bound for this query mix. Then scans K times (default
# 3) with every check and K times with --checks spf,dmarc,mx (or LIST), and
# prints per run: domains/s, queries/s, the ratio to the bound, CPU
# microseconds per query and per domain (the process's user + system time,
# steadier here than wall time), evictions, one-shot
# entries not kept, and peak RSS. --baseline BIN interleaves the same runs of
# another build (A, B, A, B, ...) and prints the mean CPU per query of each
# and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
baseline=
rounds=3
checks=spf,dmarc,mx
n=100000
while (($#)); do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --baseline) baseline=$2; shift 2 ;;
  --rounds) rounds=$2; shift 2 ;;
  --checks) checks=$2; shift 2 ;;
  -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "cpu_bench: unknown argument '$1'" >&2; exit 2 ;;
  *) n=$1; shift ;;
  esac
done
command -v dnsperf >/dev/null ||
  { echo "cpu_bench: dnsperf not found (scripts/setup.sh --deps)" >&2; exit 1; }

bin=$build/mailposture
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake -S . -B "$build" -DMP_BUILD_TESTS=ON >/dev/null # the generator
cmake --build "$build" -j"$(nproc)" --target mailposture mp_worldgen \
  >/dev/null
work=$build/bench-cpu
mkdir -p "$work"
port=${MP_BENCH_PORT:-55383}
client_cpu=()
if [ "$(nproc)" -ge 2 ]; then
  export MP_KNOT_CPU=0
  client_cpu=(taskset -c 1)
fi
run=$work/knot
trap 'tests/world/serve.sh stop "$run" >/dev/null 2>&1 || true' EXIT

field() { # field NAME FILE: a number from the one-line summary JSON
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2" | head -1
}

world=$work/world-$n
if [ ! -s "$world/world-stats.txt" ]; then
  "$build/tests/mp_worldgen" --domains "$n" --seed 1 --out "$world" >/dev/null
fi
tests/world/serve.sh start "$world" "$port" "$run" >/dev/null 2>&1

# scan BIN SUMMARY [ARGS...]: one scan of the world, rows to a scratch file;
# its CPU seconds (user + system, from the shell's `times`, so any build
# can be measured) in $work/cpu_s
scan() {
  local b=$1 sum=$2
  shift 2
  (
    "${client_cpu[@]}" "$b" -r "127.0.0.1:$port" -q --summary "$sum" \
      -o "$work/rows.out" "$@" "$world/domains.txt"
    times >"$work/times" # a builtin, in this shell: its children's line
  )
  tail -1 "$work/times" | awk '{ gsub(/s/, "", $1); gsub(/s/, "", $2)
    split($1, u, "m"); split($2, y, "m")
    print u[1] * 60 + u[2] + y[1] * 60 + y[2] }' >"$work/cpu_s"
  rm -f "$work/rows.out"
}

qfile=$work/queries.txt
scan "$bin" "$work/qlog.json" --query-log "$qfile"
"${client_cpu[@]}" dnsperf -s 127.0.0.1 -p "$port" -d "$qfile" -n 1 -q 500 \
  -t 2 >"$work/dnsperf.txt" 2>&1 || true
bound=$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' "$work/dnsperf.txt")
printf '# world %s (%s domains), server bound: dnsperf over the scan'"'"'s %s queries: %.0f queries/s\n' \
  "$world" "$n" "$(wc -l <"$qfile")" "${bound:-0}"
printf '%-9s %-12s %9s %10s %6s %8s %9s %9s %9s %8s\n' build checks domains/s \
  queries/s bound cpu_us/q cpu_us/d evictions unkept rss_mib

# one LABEL BIN CHECKS: a scan, its line; appends "label checks us/q" to
# $work/cpu.txt for the means
one() {
  local label=$1 b=$2 ck=$3 sum=$work/summary.json args=()
  [ "$ck" = all ] || args=(--checks "$ck")
  scan "$b" "$sum" "${args[@]}"
  awk -v l="$label" -v ck="$ck" -v bound="${bound:-0}" \
    -v d="$(field domains_per_s "$sum")" -v q="$(field queries_per_s "$sum")" \
    -v cpu="$(cat "$work/cpu_s")" -v sent="$(field queries_sent "$sum")" \
    -v rows="$(field rows "$sum")" -v ev="$(field cache_evictions "$sum")" \
    -v unk="$(field cache_unkept "$sum")" -v rss="$(field peak_rss_kib "$sum")" \
    'BEGIN {
      printf "%-9s %-12s %9.0f %10.0f %6.2f %8.2f %9.1f %9s %9s %8.1f\n", l, ck, d, q,
        (bound > 0 ? q / bound : 0), cpu * 1e6 / sent, cpu * 1e6 / rows, ev,
        (unk == "" ? "-" : unk), rss / 1024
      printf "%s %s %.4f\n", l, ck, cpu * 1e6 / sent >> "'"$work/cpu.txt"'"
    }'
}

rm -f "$work/cpu.txt"
for ck in all "$checks"; do
  for ((i = 0; i < rounds; i++)); do
    one this "$bin" "$ck"
    [ -z "$baseline" ] || one baseline "$baseline" "$ck"
  done
done
if [ -n "$baseline" ]; then
  awk '{ s[$1 " " $2] += $3; c[$1 " " $2]++ }
    END {
      for (k in s) if (k ~ /^this /) {
        split(k, p, " "); b = "baseline " p[2]
        if (c[b]) printf "# %s: %.2f us/query, baseline %.2f: %.1f%% less CPU per query\n",
          p[2], s[k] / c[k], s[b] / c[b], 100 * (1 - (s[k] / c[k]) / (s[b] / c[b]))
      }
    }' "$work/cpu.txt"
fi
