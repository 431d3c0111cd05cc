#!/usr/bin/env bash
# Installs what is missing, builds, serves the bundled demo world with Knot
# DNS on 127.0.0.1, scans demo/domains.txt against it and prints the rows
# (text format) and the summary. Rows are also kept in run/demo/ as NDJSON
# and CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

port=${MP_DEMO_PORT:-53530}
run=run/demo
mkdir -p "$run"
tests/world/serve.sh start demo/world "$port" "$run/knot" >/dev/null
trap 'tests/world/serve.sh stop "$run/knot" >/dev/null' EXIT

# The helpdesk's question: where does its include sit in each customer's SPF?
scan=(build/mailposture -r "127.0.0.1:$port" --spf-include spf.helpdesk.example)
# The rows for people on the terminal, then the same scan as data files.
"${scan[@]}" -q -f text demo/domains.txt | sort -n
echo
"${scan[@]}" --no-progress -o "$run/rows.ndjson" --summary "$run/summary.json" \
  demo/domains.txt
"${scan[@]}" -q -f csv -o "$run/rows.csv" demo/domains.txt
echo
echo "Rows: $run/rows.ndjson (NDJSON) and $run/rows.csv (CSV); schema in" \
  "docs/schema.md; the story of the demo list in demo/README.md."
