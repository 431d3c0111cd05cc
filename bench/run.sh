#!/usr/bin/env bash
# Runs every benchmark and prints its figures.
#   bench/run.sh [--tiny] [BUILD_DIR]
# --tiny: a small count each (CI checks that they run and check results).
set -euo pipefail
cd "$(dirname "$0")/.."
tiny=false
if [ "${1:-}" = "--tiny" ]; then
  tiny=true
  shift
fi
build=${1:-build}

for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  if $tiny; then "$b" --tiny; else "$b"; fi
done
if $tiny; then
  bench/scan_bench.sh --build "$build" 300 1000
  bench/recursive_bench.sh --build "$build" --tiny
  bench/cpu_bench.sh --build "$build" --rounds 1 1000
else
  bench/scan_bench.sh --build "$build"
  bench/recursive_bench.sh --build "$build"
  bench/cpu_bench.sh --build "$build"
fi
