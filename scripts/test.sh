#!/usr/bin/env bash
# Installs what is missing, builds and runs every test, as CI does:
#   1. gcc, warnings as errors: unit, conformance, fuzz-corpus and
#      integration tests (against Knot DNS on 127.0.0.1);
#   2. clang with AddressSanitizer + UndefinedBehaviorSanitizer: the same;
#   3. the format check (clang-format);
#   4. every benchmark once with a tiny count.
# Idempotent; build trees are build-ci-gcc/ and build-ci-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps

jobs=$(nproc)

echo "== gcc, -Werror"
cmake -S . -B build-ci-gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
  -DMP_WERROR=ON -DMP_TEST_DNS_PORT=21353 >/dev/null
cmake --build build-ci-gcc -j"$jobs"
ctest --test-dir build-ci-gcc --output-on-failure -j"$jobs"
# The counts the conformance suites (in memory and over DNS, through the
# binary and Knot), the DMARC examples, the world comparisons and the fault
# scans (a failed lookup is never a negative answer) print.
grep -hE 'rfc7208 conformance:|rfc4408 conformance:|disagreements|^faults ' \
  build-ci-gcc/Testing/Temporary/LastTest.log
grep -hE 'rfc7208 over DNS:|rfc4408 over DNS:|dmarc examples over DNS:' \
  build-ci-gcc/Testing/Temporary/LastTest.log

echo "== clang, ASan + UBSan"
cmake -S . -B build-ci-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DMP_WERROR=ON -DMP_SANITIZE=address,undefined -DMP_TEST_DNS_PORT=22353 \
  >/dev/null
cmake --build build-ci-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-ci-asan --output-on-failure \
  -j"$jobs"
grep -hE '^faults ' build-ci-asan/Testing/Temporary/LastTest.log

echo "== format"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

echo "== benchmarks (tiny)"
bench/run.sh --tiny build-ci-gcc

echo "all tests passed"
