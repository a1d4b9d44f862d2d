#!/usr/bin/env bash
# Installs every Debian package encapbench needs (scripts/packages.txt) and configures + builds
# the project in ./build (or $EB_BUILD_DIR). Idempotent; used by both README commands and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages_lib.sh
missing=$(missing_packages scripts/packages.txt)
if [ -n "$missing" ]; then
  echo "setup: installing:$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
# The aarch64 cross build's packages (arm64 multiarch, cross compiler, qemu-user-static), which the
# CI's CPU matrix needs; EB_SKIP_CROSS=1 leaves them out.
if [ "${EB_SKIP_CROSS:-0}" != 1 ]; then
  bash scripts/setup_cross.sh
fi
build=${EB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEB_WERROR=${EB_WERROR:-ON} ${EB_CMAKE_ARGS:-}
cmake --build "$build" -j "$(nproc)"
