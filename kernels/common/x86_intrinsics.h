// <immintrin.h> for hand-tuned kernels. g++ 12's AVX-512 intrinsics self-initialise "undefined"
// vectors and warn about it (GCC PR 105593, fixed in 12.3/13); the warning is about the header,
// so it is silenced around the include only, and our own code stays under -Werror.
#pragma once
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
