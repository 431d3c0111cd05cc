#!/usr/bin/env bash
# Installs what is missing, builds, serves the bundled demo world with Knot
# DNS on 127.0.0.1, scans demo/domains.txt against it and prints the rows
# (CSV, as a table) and the summary. Rows are also kept in run/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

port=${MP_DEMO_PORT:-53530}
run=run/demo
mkdir -p "$run"
tests/world/serve.sh start demo/world "$port" "$run/knot" >/dev/null
trap 'tests/world/serve.sh stop "$run/knot" >/dev/null' EXIT

build/mailposture -r "127.0.0.1:$port" --no-progress -o "$run/rows.ndjson" \
  --summary "$run/summary.json" demo/domains.txt
build/mailposture -r "127.0.0.1:$port" -q -f csv -o "$run/rows.csv" \
  demo/domains.txt

echo
echo "Rows (a few columns of $run/rows.csv; all fields in $run/rows.ndjson):"
cut -d, -f1,5,6,7,10,11,19 "$run/rows.csv" | column -s, -t | head -n 40 || true
echo
echo "Full rows: $run/rows.ndjson (NDJSON), $run/rows.csv (CSV);" \
  "schema: docs/schema.md"
