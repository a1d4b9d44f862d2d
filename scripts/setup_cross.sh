#!/usr/bin/env bash
# Prerequisites of the aarch64 cross build (cmake/aarch64-linux-gnu.cmake, scripts/cross_aarch64.sh):
# the arm64 foreign architecture, the cross compiler, qemu-user-static and the arm64 -dev packages
# of scripts/packages-arm64.txt; then ISA-L's arm64 packages unpacked into $EB_CROSS_ROOT (default
# ~/.cache/encapbench/arm64), because they cannot be co-installed with the amd64 ones. Idempotent:
# a second run installs nothing and downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "setup_cross: adding the arm64 architecture"
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -q
  updated=1
fi
. scripts/packages_lib.sh
missing=$(missing_packages scripts/packages-arm64.txt)
if [ -n "$missing" ]; then
  echo "setup_cross: installing:$missing"
  [ $updated = 1 ] || $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi

root=${EB_CROSS_ROOT:-$HOME/.cache/encapbench/arm64}
pc=$root/usr/lib/aarch64-linux-gnu/pkgconfig
if [ ! -f "$pc/libisal.pc" ]; then
  echo "setup_cross: unpacking ISA-L for arm64 into $root"
  tmp=$(mktemp -d); chmod 755 "$tmp"  # apt downloads as _apt
  (cd "$tmp" && apt-get download -q libisal-dev:arm64 libisal2:arm64)
  mkdir -p "$root"
  for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$root"; done
  rm -rf "$tmp"
  sed -i "s|^prefix=.*|prefix=$root/usr|" "$pc/libisal.pc"
fi
echo "setup_cross: ready (unpacked arm64 packages in $root)"
