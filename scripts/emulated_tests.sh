#!/usr/bin/env bash
# Runs a build's tests under one qemu-user CPU model and prints one summary line:
#   emulated: <arch> <model>: gtest P pass / S skip / F fail, fuzz replays R, cli scripts C ok, N s
# usage: scripts/emulated_tests.sh BUILD_DIR QEMU MODEL
#   e.g. scripts/emulated_tests.sh build qemu-x86_64-static Haswell-v4,-pcid,...
#        scripts/emulated_tests.sh build-aarch64 qemu-aarch64-static max
# What runs: every gtest binary of the build (each kernel family's conformance tests, parser,
# datasets, machine identity, the `encapbench run` harness tests), every fuzz replay over its seed
# corpus and regressions, the CLI end-to-end scripts (hostile inputs, checksum/rss/segment judges
# against tshark/scapy) and an `encapbench run --emulated` of one row (tests/cross/
# check_emulated_run.py), all with the program under test emulated. qemu-user does not follow
# exec into a foreign binary (no binfmt_misc here), so every program a test starts as a child is
# a shell wrapper that runs it under the same emulator and model: encapbench, the benchmark
# binaries `run` starts (through --bench-dir) and the harness's self-test binary (through
# EB_SELFTEST_BENCH_DIR). Not run emulated: Harness.InstructionCounts* and Harness.Profile*,
# because valgrind and perf would measure the emulator (a host program), not the emulated code.
# Results are labelled emulated (EB_EMULATED).
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 qemu=$2 model=$3
start=$(date +%s)
export QEMU_CPU=$model
export EB_EMULATED="$qemu -cpu $model"
bin=$build/bin
wrap=$build/emulated/$(echo "$model" | tr -c 'A-Za-z0-9_\n-' '_' | cut -c1-40)
mkdir -p "$wrap"
wrap=$(readlink -f "$wrap")  # absolute: tests start the wrappers from other folders
mkdir -p "$wrap/bench" "$wrap/selftest"
wrapper() {  # wrapper OUT PROGRAM: OUT runs PROGRAM under the emulator (QEMU_CPU from the environment)
  printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$(readlink -f "$2")" > "$1"
  chmod +x "$1"
}
for prog in encapbench eb-cli-catalogue; do wrapper "$wrap/$prog" "$bin/$prog"; done
wrapper "$wrap/bench/eb-bench-checksum" "$bin/eb-bench-checksum"
[ -x "$build/tests/bench/selftest-bin/eb-bench-selftest" ] &&
  wrapper "$wrap/selftest/eb-bench-selftest" "$build/tests/bench/selftest-bin/eb-bench-selftest"
log=$wrap/log.txt
: > "$log"
pass=0 skip=0 fail=0 status=0
for t in "$bin"/eb-test-*; do
  [ -x "$t" ] || continue
  out=$(EB_ENCAPBENCH="$wrap/encapbench" EB_SELFTEST_BENCH_DIR="$wrap/selftest" "$qemu" "$t" --gtest_brief=1 \
        --gtest_filter='-Harness.InstructionCounts*:Harness.Profile*' 2>&1)
  rc=$?
  echo "== $(basename "$t") rc=$rc" >> "$log"
  echo "$out" >> "$log"
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  s=$(echo "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(echo "$out" | grep -c '^\[  FAILED  \] [A-Za-z]')
  pass=$((pass + ${p:-0})); skip=$((skip + ${s:-0})); fail=$((fail + ${f:-0}))
  if [ $rc -ne 0 ]; then
    status=1
    echo "emulated: $(basename "$t") failed under $model (rc $rc):"; echo "$out" | grep -E "FAILED|Failure|error" | head -20
  fi
done
fuzz=0
for f in "$bin"/eb-fuzz-*; do
  [ -x "$f" ] || continue
  t=${f##*/eb-fuzz-}
  dirs=""
  for d in fuzz/corpus/$t fuzz/regressions/$t; do [ -d "$d" ] && dirs="$dirs $d"; done
  if "$qemu" "$f" $dirs >> "$log" 2>&1; then fuzz=$((fuzz + 1)); else status=1; echo "emulated: fuzz replay $t failed under $model"; fi
done
cli=0
run_cli() {
  if "$@" >> "$log" 2>&1; then cli=$((cli + 1)); else status=1; echo "emulated: $* failed under $model"; fi
}
run_cli /usr/bin/python3 tests/cli/test_cli.py --encapbench "$wrap/encapbench" --catalogue "$wrap/eb-cli-catalogue"
run_cli /usr/bin/python3 tests/rss/cli_rss_judge.py "$wrap/encapbench" "$wrap/rss"
run_cli /usr/bin/python3 tests/segment/cli_segment.py "$wrap/encapbench" "$wrap/segment"
run_cli /usr/bin/python3 tests/packet/scapy_offsets.py "$wrap/encapbench" "$wrap/scapy"
[ -f tests/datasets/test_corpus_cli.py ] && run_cli /usr/bin/python3 tests/datasets/test_corpus_cli.py "$wrap/encapbench"
case $qemu in *aarch64*) arch=aarch64 ;; *) arch=x86_64 ;; esac
run_cli /usr/bin/python3 tests/cross/check_emulated_run.py "$wrap/encapbench" "$wrap/bench" "$qemu -cpu $model" $arch "$wrap/run"
echo "emulated: $(basename "$qemu" -static | sed 's/qemu-//') $model: gtest $pass pass / $skip skip / $fail fail," \
     "fuzz replays $fuzz, cli scripts $cli ok, $(( $(date +%s) - start )) s (log: $log)"
exit $status
