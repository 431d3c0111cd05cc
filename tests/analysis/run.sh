#!/usr/bin/env bash
# integration.analysis_duckdb and integration.analysis_pandas: scan the
# test world (served on 127.0.0.1:PORT by the ctest fixture) three ways and
# load each scan's NDJSON and CSV rows into one engine with the types of
# `mailposture schema` (docs/analysis.md):
#   few:    a handful of domains and an invalid line, a plain list: rank and
#           many fields are null in every row, which is where an engine
#           that guesses types guesses JSON;
#   ranked: a Tranco list, --checks spf,dmarc: dkim, mx_hosts, ... null in
#           every row;
#   broad:  the first 400 lines of the world, for the spread of values.
# usage: run.sh duckdb|pandas MAILPOSTURE WORLD_DIR PORT SCRATCH_DIR
# Exit status 77 (ctest: skipped) only when the engine is not installed.
set -euo pipefail
engine=$1 bin=$2 world=$3 port=$4 scratch=$5/analysis-$1
here=$(cd "$(dirname "$0")" && pwd)

case $engine in
duckdb)
  if ! command -v node >/dev/null 2>&1; then
    echo "analysis: SKIP: node is not installed (scripts/setup.sh installs" \
      "nodejs)"
    exit 77
  fi
  check() { node "$here/duckdb_check.mjs" "$bin" "$1" "$2" "$scratch"; }
  ;;
pandas)
  py=/usr/bin/python3 # Debian's python3-pandas; PATH may hold another
  [ -x "$py" ] || py=python3
  check() { "$py" "$here/pandas_check.py" "$bin" "$1" "$2"; }
  ;;
*)
  echo "usage: run.sh duckdb|pandas MAILPOSTURE WORLD_DIR PORT SCRATCH" >&2
  exit 2
  ;;
esac

rm -rf "$scratch"
mkdir -p "$scratch"
# awk reads the whole file: no SIGPIPE (pipefail) from a reader that stops
awk '!/^#/ && NF && ++n <= 8' "$world/domains.txt" >"$scratch/few.txt"
echo 'bad..name' >>"$scratch/few.txt"
awk '!/^#/ && NF && ++n >= 20 && n < 28 { print n - 19 "," $0 }' \
  "$world/domains.txt" >"$scratch/ranked.txt"
head -n 400 "$world/domains.txt" >"$scratch/broad.txt"

scan() { # NAME ARGS...: NAME.ndjson and NAME.csv
  local name=$1 fmt
  shift
  for fmt in ndjson csv; do
    "$bin" -q --no-progress -r "127.0.0.1:$port" -f "$fmt" \
      -o "$scratch/$name.$fmt" "$@" "$scratch/$name.txt"
  done
}
scan few
scan ranked --input-format tranco --checks spf,dmarc
scan broad

status=0
for name in few ranked broad; do
  check "$scratch/$name.ndjson" "$scratch/$name.csv" || status=$?
  if [ "$status" -eq 77 ]; then
    exit 77
  fi
done
exit "$status"
