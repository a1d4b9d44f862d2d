#!/usr/bin/env bash
# Every test: install, build (Release, g++), run ctest; then the emulated CPU matrix
# (scripts/cpu_matrix.sh) and the hardening stages (sanitizers,
# clang, fuzzers) when scripts/hardening.sh exists. The closing line is ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh
build=${EB_BUILD_DIR:-build}
status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900 || status=$?
# Every CPU the suite claims, by emulation: x86 without AVX-512 and at the floor, the aarch64 cross
# build under SVE2 and NEON models, and native-vs-emulated determinism (docs/cpu-support.md).
if [ "${EB_SKIP_CPU_MATRIX:-0}" != 1 ]; then
  bash scripts/cpu_matrix.sh "$build" || status=$?
fi
if [ -f scripts/hardening.sh ] && [ "${EB_SKIP_HARDENING:-0}" != 1 ]; then
  bash scripts/hardening.sh || status=$?
fi
echo "test.sh: finished in $(( $(date +%s) - start )) s, status $status"
exit $status
