#!/usr/bin/env bash
# analysis.files: the schemas shipped in docs/analysis/ are what
# `mailposture schema` prints, so they change with the part tables.
# usage: files.sh MAILPOSTURE DOCS_DIR [--update]   (--update rewrites them)
set -euo pipefail
bin=$1 dir=$2 update=${3:-}

files=(
  "duckdb-ndjson.sql:--duckdb --sql -f ndjson"
  "duckdb-csv.sql:--duckdb --sql -f csv"
  "duckdb-ndjson-categories.sql:--duckdb --sql --categories -f ndjson"
  "duckdb-csv-categories.sql:--duckdb --sql --categories -f csv"
  "pandas-ndjson.json:--pandas -f ndjson"
  "pandas-ndjson-categories.json:--pandas --categories -f ndjson"
  "pandas-csv.json:--pandas -f csv"
  "pandas-csv-categories.json:--pandas --categories -f csv"
)
status=0
for entry in "${files[@]}"; do
  file=${entry%%:*}
  read -r -a args <<<"${entry#*:}"
  if [ "$update" = --update ]; then
    "$bin" schema "${args[@]}" >"$dir/$file"
  elif ! "$bin" schema "${args[@]}" | cmp -s - "$dir/$file"; then
    echo "analysis.files: docs/analysis/$file is not what" \
      "\`mailposture schema ${args[*]}\` prints; rerun" \
      "tests/analysis/files.sh build/mailposture docs/analysis --update"
    status=1
  fi
done
[ "$status" -ne 0 ] || echo "analysis.files: ${#files[@]} files up to date"
exit "$status"
