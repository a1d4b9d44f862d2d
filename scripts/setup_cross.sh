#!/usr/bin/env bash
# Prerequisites of the aarch64 cross build (cmake/aarch64-linux-gnu.cmake, scripts/cross_aarch64.sh):
# the arm64 foreign architecture, the cross compiler, qemu-user-static and the arm64 -dev packages
# of scripts/packages-arm64.txt (with DPDK's arm64 run-time libraries); then, unpacked into
# $EB_CROSS_ROOT (default ~/.cache/encapbench/arm64) because their arm64 builds cannot be
# co-installed with the amd64 ones, ISA-L's arm64 packages and DPDK's arm64 -dev package (headers
# and pkg-config files; its libraries are the multiarch ones). Idempotent: a second run installs
# nothing and downloads nothing.
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

# DPDK: libdpdk-dev:arm64 of the same version as the installed arm64 run-time libraries, without
# its static archives and driver links. Its link-time .so links are pointed at the multiarch
# libraries; the ones whose library is not installed are removed, and libdpdk-libs.pc lists only
# the libraries present (the peers need EAL, ring, mempool, mbuf, net, hash, ethdev, gso). The
# Requires.private line of libdpdk.pc (static linking only, whose arm64 -dev packages are not
# installed) is dropped.
dpdk_ver=$(dpkg-query -W -f='${Version}' librte-eal23:arm64)
if [ "$(cat "$root/dpdk.version" 2>/dev/null)" != "$dpdk_ver" ]; then
  echo "setup_cross: unpacking DPDK $dpdk_ver headers and pkg-config files for arm64 into $root"
  tmp=$(mktemp -d); chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -q "libdpdk-dev:arm64=$dpdk_ver")
  mkdir -p "$root"
  rm -rf "$root/usr/include/dpdk" "$root/usr/include/aarch64-linux-gnu/dpdk" "$root"/usr/lib/aarch64-linux-gnu/librte_*
  dpkg-deb --fsys-tarfile "$tmp"/libdpdk-dev_*.deb |
    tar -x -C "$root" --exclude='*.a' --exclude='./usr/lib/aarch64-linux-gnu/dpdk' --exclude='./usr/share'
  rm -rf "$tmp"
  sys=/usr/lib/aarch64-linux-gnu
  for l in "$root$sys"/librte_*.so; do
    n=$(basename "$l" .so)
    if [ -e "$sys/$n.so.23" ]; then ln -sfn "$sys/$n.so.23" "$l"; else rm -f "$l"; fi
  done
  keep=""
  for l in $(sed -n 's/^Libs: //p' "$pc/libdpdk-libs.pc"); do
    case $l in -lrte_*) [ -e "$root$sys/lib${l#-l}.so" ] && keep="$keep $l" ;; esac
  done
  sed -i -e "s|^prefix=.*|prefix=$root/usr|" -e "s|^Libs: .*|Libs: -Wl,--as-needed -L\${libdir}$keep|" "$pc/libdpdk-libs.pc"
  sed -i -e "s|^prefix=.*|prefix=$root/usr|" -e '/^Requires.private:/d' -e '/^Libs.private:/d' "$pc/libdpdk.pc"
  echo "$dpdk_ver" > "$root/dpdk.version"
fi
echo "setup_cross: ready (unpacked arm64 packages in $root)"
