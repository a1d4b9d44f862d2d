# Cross-compiling encapbench for aarch64 Linux on a Debian/Ubuntu x86-64 host with the distribution's
# cross compiler (g++-aarch64-linux-gnu) and arm64 multiarch -dev packages (scripts/setup_cross.sh
# installs both). Use: cmake -S . -B build-aarch64 -G Ninja \
#   -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# Tests then run through qemu-aarch64-static (CMAKE_CROSSCOMPILING_EMULATOR); set QEMU_CPU to pick
# the CPU model (max: SVE/SVE2; neoverse-n1 / cortex-a72: NEON only).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Both roots: the cross toolchain's own files and /usr, where multiarch puts the arm64 libraries
# (/usr/lib/aarch64-linux-gnu) and the architecture-independent CMake package files (hwy's config
# lives under /usr/lib/aarch64-linux-gnu/cmake; a root of only that folder does not find it).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config: only arm64 and architecture-independent .pc files. EB_CROSS_EXTRA_ROOT (a tree of
# unpacked arm64 .debs, with usr/lib/aarch64-linux-gnu inside; scripts/setup_cross.sh makes one
# for ISA-L and for DPDK's headers and pkg-config files) is a third root and its .pc files are
# searched first.
# Give it as -DEB_CROSS_EXTRA_ROOT=DIR (kept in the cache, so re-configuring keeps it) or in the
# environment.
set(_eb_pc /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
if(NOT EB_CROSS_EXTRA_ROOT AND DEFINED ENV{EB_CROSS_EXTRA_ROOT})
  set(EB_CROSS_EXTRA_ROOT "$ENV{EB_CROSS_EXTRA_ROOT}")
endif()
if(EB_CROSS_EXTRA_ROOT)
  set(EB_CROSS_EXTRA_ROOT "${EB_CROSS_EXTRA_ROOT}" CACHE PATH "Tree of unpacked arm64 packages")
  list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EB_CROSS_EXTRA_ROOT)
  list(APPEND CMAKE_FIND_ROOT_PATH ${EB_CROSS_EXTRA_ROOT})
  set(_eb_pc "${EB_CROSS_EXTRA_ROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${_eb_pc}")
endif()
set(ENV{PKG_CONFIG_LIBDIR} "${_eb_pc}")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
# No -L: qemu then uses the system arm64 loader and libc from multiarch, which match the arm64
# libraries (pairing the cross package's loader with them hangs pthread_create).
find_program(EB_QEMU_AARCH64 qemu-aarch64-static)
if(EB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${EB_QEMU_AARCH64})
endif()
