/* Shared helpers of the Vulkan tests: the backend under test, comparison of
 * GPU results with the CPU reference, and the validation-layer verdict.
 * Header-only; each test is its own program. */
#ifndef VAEVK_TESTS_VK_CHECK_H
#define VAEVK_TESTS_VK_CHECK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/backend.h"
#include "vaevk/vulkan.h"

#define VKT_SKIP 77 /* meson: skipped */

/* splitmix64: reproducible test data. */
static inline uint64_t vkt_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline float vkt_uniform(uint64_t *s, float lo, float hi) {
    return lo + (hi - lo) * (float)((double)(vkt_next(s) >> 40) * 0x1p-24);
}

static inline void *vkt_alloc(size_t bytes) {
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes for a test\n", bytes);
        exit(2);
    }
    return p;
}

/* The Vulkan backend on the default device. No loader or no device: the
 * test is skipped (exit 77); any other failure fails it. */
static inline vae_backend *vkt_backend(void) {
    char err[512];
    vae_vk_device_info *d = NULL;
    int n = 0;
    if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0) {
        printf("skipped: %s\n", err);
        exit(VKT_SKIP);
    }
    free(d);
    vae_backend *be = vae_vk_backend_create(-1, err, sizeof err);
    if (!be) {
        printf("FAIL creating the Vulkan backend: %s\n", err);
        exit(1);
    }
    printf("backend: %s\n", be->name);
    return be;
}

/* 0 when the validation layer (VAEVK_VALIDATION=1) said nothing. */
static inline int vkt_validation_verdict(void) {
    int n = vae_vk_validation_messages();
    const char *on = getenv("VAEVK_VALIDATION");
    printf("%-4s validation layer %s: %d warnings/errors\n", n ? "FAIL" : "ok",
           on && strcmp(on, "1") == 0 ? "on" : "off", n);
    return n != 0;
}

typedef struct {
    double nmse;          /* Σ(gpu-cpu)² / Σcpu² over finite reference values */
    size_t special_diff;  /* positions where NaN/±Inf differ */
    size_t inexact;       /* values not bit-identical */
    uint32_t max_ulp;     /* largest distance in units of the last place */
} vkt_diff;

static inline uint32_t vkt_ulps(float a, float b) {
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    /* map the sign-magnitude bits onto a monotone integer line */
    int64_t la = ia < 0 ? -(int64_t)(ia & 0x7fffffff) : ia;
    int64_t lb = ib < 0 ? -(int64_t)(ib & 0x7fffffff) : ib;
    int64_t d = la > lb ? la - lb : lb - la;
    return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static inline vkt_diff vkt_compare(const float *gpu, const float *cpu, size_t n) {
    vkt_diff r = {0};
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&gpu[i], &cpu[i], 4) != 0 && !(isnan(gpu[i]) && isnan(cpu[i])))
            r.inexact++;
        if (!isfinite(cpu[i]) || !isfinite(gpu[i])) {
            int same = (isnan(cpu[i]) && isnan(gpu[i])) || (isinf(cpu[i]) && gpu[i] == cpu[i]);
            r.special_diff += !same;
            continue;
        }
        double d = (double)gpu[i] - (double)cpu[i];
        num += d * d;
        den += (double)cpu[i] * cpu[i];
        uint32_t u = vkt_ulps(gpu[i], cpu[i]);
        if (u > r.max_ulp)
            r.max_ulp = u;
    }
    r.nmse = den > 0 ? num / den : (num > 0 ? INFINITY : 0.0);
    return r;
}

#endif
