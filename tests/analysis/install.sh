#!/usr/bin/env bash
# Installs DuckDB (the npm package @duckdb/node-api, which ships its
# binary) into tests/analysis/node_modules for integration.analysis, at the
# version package.json pins. Idempotent: nothing is fetched when that
# version is there. Failing to install is not fatal (the test then skips and
# says why): exit status 0 either way, with a message on stderr.
set -uo pipefail
cd "$(dirname "$0")"

want=$(sed -n 's/.*"@duckdb\/node-api": "\(.*\)".*/\1/p' package.json)
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' \
  node_modules/@duckdb/node-api/package.json 2>/dev/null)
if [ -n "$have" ] && [ "$have" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "analysis: npm is missing: DuckDB not installed" >&2
  exit 0
fi
echo "analysis: installing @duckdb/node-api $want in tests/analysis"
if ! npm install --no-audit --no-fund --no-save --loglevel=error \
    >npm-install.log 2>&1; then
  tail -n 20 npm-install.log >&2
  echo "analysis: npm install failed: DuckDB not installed" >&2
fi
exit 0
