#!/usr/bin/env bash
# The aarch64 cross build: installs its prerequisites (scripts/setup_cross.sh), then configures and
# builds everything the x86 build builds (kernels, datasets, bench, CLI, tests, fuzz replays) in
# $EB_CROSS_BUILD_DIR (default build-aarch64) with cmake/aarch64-linux-gnu.cmake. ISA-L and DPDK
# (headers and pkg-config files; DPDK's libraries are multiarch packages) come from the arm64
# packages setup_cross.sh unpacked, so the DPDK peers are built as on x86.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_cross.sh
root=${EB_CROSS_ROOT:-$HOME/.cache/encapbench/arm64}
build=${EB_CROSS_BUILD_DIR:-build-aarch64}
cmake -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DEB_CROSS_EXTRA_ROOT="$root" \
        -DCMAKE_BUILD_TYPE=Release -DEB_WERROR=${EB_WERROR:-ON}
cmake --build "$build" -j "$(nproc)"
