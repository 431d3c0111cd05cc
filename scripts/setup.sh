#!/usr/bin/env bash
# Installs what is missing (Debian 12), then builds mailposture in build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   scripts/setup.sh            install + release build (build/)
#   scripts/setup.sh --deps     install only
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config clang clang-format
  libuv1-dev libc-ares-dev libxxhash-dev libcriterion-dev libidn2-dev
  libpsl-dev publicsuffix libyaml-dev libzstd-dev zlib1g-dev zstd
  knot knot-dnsutils dnsperf unbound
  nodejs npm python3-pandas chromium groff-base python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
    continue # another nodejs package (NodeSource's) brings npm and conflicts
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # Knot's package would start a system-wide server on port 53; the
  # project runs its own on a loopback port instead.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
  if command -v systemctl >/dev/null 2>&1 &&
      systemctl is-active --quiet knot 2>/dev/null; then
    "${sudo[@]}" systemctl disable --now knot >/dev/null 2>&1 || true
  fi
fi

# DuckDB for the analysis tests, from the npm registry (not fatal).
tests/analysis/install.sh

if [ "${1:-}" = "--deps" ]; then
  exit 0
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMP_BUILD_TESTS=ON >/dev/null
if ! cmake --build build -j"$(nproc)" >build/build.log 2>&1; then
  tail -n 40 build/build.log >&2
  echo "setup: build failed (full log: build/build.log)" >&2
  exit 1
fi
echo "setup: built build/mailposture"
