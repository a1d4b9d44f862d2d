#!/usr/bin/env bash
# Hardening stage, run by scripts/test.sh after the main (g++, Release, -Werror) build and ctest:
#   1. one clang++ build (build-asan): ASan + UBSan on every library, test and tool, libFuzzer
#      coverage on the libraries, fuzz targets linked with libFuzzer, warnings as errors;
#   2. ctest on it: every unit test, the CLI tests and the fuzz regression replays under the
#      sanitizers;
#   3. every fuzz target for a bounded time from its seed corpus (fuzz/corpus/NAME) plus its
#      regression inputs (fuzz/regressions/NAME), two at a time, printing executions per target.
# Any build error, test failure or fuzzer finding makes it exit non-zero. Knobs (environment):
#   EB_ASAN_BUILD_DIR (build-asan)  EB_FUZZ_SECONDS (50 per target)  EB_FUZZ_PARALLEL (2)
#   EB_FUZZ_TARGETS ("parser pcap checksum toeplitz segment onepass uso")  EB_SKIP_FUZZ=1  EB_SKIP_ASAN_CTEST=1
# Running a fuzzer longer by hand, reproducers and regression tests: fuzz/README.md.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
build=${EB_ASAN_BUILD_DIR:-build-asan}
seconds=${EB_FUZZ_SECONDS:-50}
parallel=${EB_FUZZ_PARALLEL:-2}
targets=${EB_FUZZ_TARGETS:-parser pcap checksum toeplitz segment onepass uso}
jobs=$(nproc)
failures=()
summary=()

stage() { echo "== hardening: $* ($(( $(date +%s) - start )) s)"; }

finish() {
  echo "hardening: ${summary[*]:-nothing ran}"
  if [ ${#failures[@]} -eq 0 ]; then
    echo "hardening: PASSED in $(( $(date +%s) - start )) s (clang++ ASan+UBSan build, sanitized ctest, fuzzers)"
    exit 0
  fi
  echo "hardening: FAILED in $(( $(date +%s) - start )) s: ${failures[*]}"
  exit 1
}

if ! command -v clang++ >/dev/null; then
  failures+=("clang++ not installed (scripts/packages.txt: clang, libclang-rt-14-dev)")
  finish
fi

stage "configure $build (clang++, EB_SANITIZE, EB_BUILD_FUZZERS, EB_WERROR)"
# -O2 instead of Release's -O3: faster to build, still fast to fuzz; assertions stay on.
if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS_RELEASE=-O2 -DCMAKE_CXX_FLAGS_RELEASE=-O2 \
    -DEB_SANITIZE=ON -DEB_BUILD_FUZZERS=ON -DEB_BUILD_BENCH=OFF -DEB_WERROR=ON >"$build.configure.log" 2>&1; then
  cat "$build.configure.log"
  failures+=("configure")
  finish
fi

stage "build"
if ! cmake --build "$build" -j "$jobs"; then
  failures+=("clang++ build")
  finish
fi
summary+=("build ok")

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1}

if [ "${EB_SKIP_ASAN_CTEST:-0}" != 1 ]; then
  stage "ctest under ASan + UBSan"
  ctest_log="$build/ctest-asan.log"
  if ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900 2>&1 | tee "$ctest_log"; then
    :
  fi
  if grep -q "100% tests passed" "$ctest_log"; then
    summary+=("sanitized ctest: $(grep -E '^[0-9]+% tests passed' "$ctest_log" | tail -1)")
  else
    failures+=("sanitized ctest")
    summary+=("sanitized ctest: $(grep -E 'tests passed' "$ctest_log" | tail -1)")
  fi
fi

if [ "${EB_SKIP_FUZZ:-0}" != 1 ]; then
  stage "fuzzers, ${seconds} s each, ${parallel} at a time"
  work="$build/fuzz-work"
  mkdir -p "$work"
  run_one() {  # target -> writes $work/$1.log and $work/$1.rc
    local t=$1 bin="$build/bin/eb-fuzz-$1" dirs=()
    mkdir -p "$work/$t/new" "$work/$t/artifacts"
    for d in "fuzz/corpus/$t" "fuzz/regressions/$t"; do [ -d "$d" ] && dirs+=("$d"); done
    [ "$t" = onepass ] && dirs+=("fuzz/corpus/parser")  # its input is a frame: the parser's seeds
    # New inputs go to the work dir; the repo's seed corpus is only read.
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/$t/artifacts/" "$work/$t/new" "${dirs[@]}" >"$work/$t.log" 2>&1
    echo $? >"$work/$t.rc"
  }
  running=0
  present=()
  for t in $targets; do
    if [ ! -x "$build/bin/eb-fuzz-$t" ]; then
      failures+=("eb-fuzz-$t not built")
      continue
    fi
    present+=("$t")
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
  for t in "${present[@]}"; do
    rc=$(cat "$work/$t.rc" 2>/dev/null || echo 99)
    execs=$(grep -m1 'stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$work/$t.log" | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+.*cov: ' "$work/$t.log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
    echo "fuzz $t: exit $rc, ${execs:-?} executions in ${seconds} s (${rate:-?}/s), coverage ${cov:-?} edges"
    summary+=("fuzz-$t ${execs:-?} execs")
    if [ "$rc" != 0 ]; then
      failures+=("fuzz-$t")
      echo "---- fuzz $t: last lines of $work/$t.log"
      tail -n 60 "$work/$t.log"
      echo "---- reproducer(s): $(ls "$work/$t/artifacts" 2>/dev/null | tr '\n' ' ')"
      echo "---- replay: $build/bin/eb-fuzz-$t $work/$t/artifacts/FILE; keep it as fuzz/regressions/$t/NAME (fuzz/README.md)"
    fi
  done
fi

finish
