/* The fast CPU backend (--device cpu): the same programs and arenas as the
 * reference, with the products (convolutions, linear layers) as blocked
 * SIMD kernels and every op threaded over the cores. Results agree with the
 * reference to fp32 rounding and do not depend on the thread count. */
#ifndef VAEVK_FAST_H
#define VAEVK_FAST_H

#include <stddef.h>

#include "vaevk/backend.h"

/* threads: 0 for one per core. NULL with one line in err. */
vae_backend *vae_fast_backend_create(int threads, char *err, size_t errlen);
/* One line about this machine for the fast backend: the processor, the
 * cores and the kernels it would use, e.g. "AMD EPYC, 2 cores, AVX2+FMA". */
void vae_fast_describe(char *out, size_t len);
/* The threads a backend created with `threads` would use. */
int vae_fast_threads(int threads);
/* What this machine's cores reach on a loop of nothing but the kernels'
 * multiply-adds, in fp32 GFLOP/s, on `threads` threads (0: one per core):
 * the ceiling the products are measured against. About half a second. */
double vae_fast_peak_gflops(int threads);

#endif
