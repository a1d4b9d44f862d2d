// The target architecture as the preprocessor sees it, for the registries: a record whose kernel
// is compiled only on one architecture (CMake's EB_<FAMILY>_SOURCES_<arch> lists) is listed only
// under the same condition.
#pragma once

#if defined(__x86_64__) || defined(_M_X64)
#define EB_ARCH_X86_64 1
#else
#define EB_ARCH_X86_64 0
#endif

#if defined(__aarch64__)
#define EB_ARCH_AARCH64 1
#else
#define EB_ARCH_AARCH64 0
#endif
