#!/usr/bin/env bash
# Every test: install, build (Release, g++), run ctest; then the hardening stages (sanitizers,
# clang, fuzzers) when scripts/hardening.sh exists. The closing line is ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh
build=${EB_BUILD_DIR:-build}
status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900 || status=$?
if [ -f scripts/hardening.sh ] && [ "${EB_SKIP_HARDENING:-0}" != 1 ]; then
  bash scripts/hardening.sh || status=$?
fi
echo "test.sh: finished in $(( $(date +%s) - start )) s, status $status"
exit $status
