/* Shared by the fast CPU backend's tests: opening it with a given thread
 * count and kernel set (VAEVK_CPU_KERNELS is read when a backend is
 * created), and the kernel sets this machine can run. */
#ifndef VAEVK_TESTS_FAST_CHECK_H
#define VAEVK_TESTS_FAST_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "../common/check.h"
#include "vaevk/backend.h"
#include "vaevk/fast.h"
#include "vaevk/selftest.h"

/* "avx2" (the default pick; the plain kernels where the processor has no
 * AVX2) or "generic". */
static inline vae_backend *fast_open(int threads, const char *kernels) {
    if (strcmp(kernels, "generic") == 0)
        setenv("VAEVK_CPU_KERNELS", "generic", 1);
    else
        unsetenv("VAEVK_CPU_KERNELS");
    char err[256];
    vae_backend *be = vae_fast_backend_create(threads, err, sizeof err);
    if (!be) {
        printf("FAIL creating the CPU backend: %s\n", err);
        exit(1);
    }
    return be;
}

static inline vae_backend *reference_open(void) {
    vae_backend *be = vae_reference_backend_create();
    if (!be) {
        printf("FAIL creating the reference backend\n");
        exit(1);
    }
    return be;
}

/* The kernel sets to test: both where the default differs from the plain
 * ones, else only the plain ones (a processor without AVX2). */
static inline int fast_kernel_sets(const char *sets[2]) {
    vae_backend *be = fast_open(1, "default");
    int n = 0;
    if (!strstr(be->name, "generic"))
        sets[n++] = "default";
    sets[n++] = "generic";
    be->vt->destroy(be);
    return n;
}

#endif
