#!/usr/bin/env bash
# Every CPU the suite claims, in CI, by emulation (qemu-user; toolchain and models in
# docs/cpu-support.md). Stages, each timed:
#   1. x86-64 without AVX-512: the native build's tests as Haswell (AVX2) and as Westmere (the
#      floor: x86-64-v2 + PCLMULQDQ + AES-NI);
#   2. below the floor (Nehalem): every program refuses with one line and exit status 2;
#   3. the aarch64 cross build, and its tests as `max` (SVE2, 512-bit) and as Neoverse N1 (NEON);
#      the checksum family's tests again at 128- and 2048-bit SVE vectors;
#   4. determinism: the same commands natively and emulated give identical bytes and verdicts.
# usage: scripts/cpu_matrix.sh [NATIVE_BUILD_DIR]   (EB_SKIP_AARCH64=1 skips stages 3-4's arm part)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-${EB_BUILD_DIR:-build}}
status=0
t0=$(date +%s)
stage() { echo "cpu_matrix: $1 done in $(( $(date +%s) - $2 )) s"; }

QX=qemu-x86_64-static
HASWELL='Haswell-v4,-pcid,-x2apic,-tsc-deadline,-invpcid,-spec-ctrl'
FLOOR='Westmere-v1'
s=$(date +%s)
bash scripts/emulated_tests.sh "$build" $QX "$HASWELL" || status=1
bash scripts/emulated_tests.sh "$build" $QX "$FLOOR" || status=1
stage "x86 models" $s

s=$(date +%s)
for prog in "$build/bin/encapbench" "$build/bin/eb-test-checksum"; do
  out=$($QX -cpu Nehalem-v1 "$prog" list 2>&1); rc=$?
  if [ $rc -ne 2 ] || [ "$(echo "$out" | wc -l)" -ne 1 ] || ! echo "$out" | grep -q "requires x86-64-v2"; then
    echo "cpu_matrix: $prog under Nehalem-v1: expected one refusal line and exit 2, got rc $rc: $out"; status=1
  else
    echo "cpu_matrix: below the floor (Nehalem-v1) $(basename "$prog") refuses: $out"
  fi
done
stage "floor refusal" $s

if [ "${EB_SKIP_AARCH64:-0}" != 1 ]; then
  s=$(date +%s)
  cross=${EB_CROSS_BUILD_DIR:-build-aarch64}
  if EB_CROSS_BUILD_DIR=$cross bash scripts/cross_aarch64.sh > "$build/cross-aarch64.log" 2>&1; then
    stage "aarch64 cross build" $s
    s=$(date +%s)
    bash scripts/emulated_tests.sh "$cross" qemu-aarch64-static max || status=1
    bash scripts/emulated_tests.sh "$cross" qemu-aarch64-static neoverse-n1 || status=1
    stage "aarch64 models" $s
    # The vector-length-agnostic kernels (sve, hwy-sve*) at the shortest and the longest SVE
    # vector, beside the 512 bits of `max`: the whole checksum test binary, every record.
    s=$(date +%s)
    for m in max,sve128=on max,sve-default-vector-length=256; do
      out=$(QEMU_CPU=$m EB_EMULATED="qemu-aarch64-static -cpu $m" qemu-aarch64-static "$cross/bin/eb-test-checksum" \
            --gtest_brief=1 2>&1); rc=$?
      p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
      k=$(echo "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
      f=$(echo "$out" | grep -c '^\[  FAILED  \] [A-Za-z]')
      echo "emulated: aarch64 $m: eb-test-checksum ${p:-0} pass / ${k:-0} skip / $f fail"
      if [ $rc -ne 0 ]; then status=1; echo "$out" | grep -E "FAILED|Failure" | head -20; fi
    done
    stage "aarch64 SVE vector lengths" $s
    s=$(date +%s)
    for m in max neoverse-n1; do
      w=$cross/emulated/$m/encapbench
      QEMU_CPU=$m /usr/bin/python3 tests/cross/compare_outputs.py "$build/bin/encapbench" "$w" "$cross/compare-$m" || status=1
    done
    stage "determinism x86-64 native vs aarch64" $s
  else
    echo "cpu_matrix: aarch64 cross build failed:"; tail -30 "$build/cross-aarch64.log"; status=1
  fi
fi
s=$(date +%s)
w=$build/emulated/$FLOOR/encapbench
QEMU_CPU=$FLOOR /usr/bin/python3 tests/cross/compare_outputs.py "$build/bin/encapbench" "$w" "$build/compare-floor" || status=1
stage "determinism native vs $FLOOR" $s
echo "cpu_matrix: finished in $(( $(date +%s) - t0 )) s, status $status"
exit $status
