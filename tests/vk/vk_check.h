/* Shared helpers of the Vulkan tests: the backend under test and the
 * validation-layer verdict; GPU results are compared with the CPU reference
 * by vae_selftest_compare (vaevk/selftest.h), as `vae-vk selftest` does.
 * Header-only; each test is its own program. */
#ifndef VAEVK_TESTS_VK_CHECK_H
#define VAEVK_TESTS_VK_CHECK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check.h"
#include "vaevk/backend.h"
#include "vaevk/selftest.h"
#include "vaevk/vulkan.h"

#define VKT_SKIP 77 /* meson: skipped */

/* Test data from the shared generator (tests/common/check.h), as floats. */
static inline float vkt_uniform(uint64_t *s, float lo, float hi) {
    return (float)test_uniform(s, lo, hi);
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

/* A program on be from arenas of these sizes holding `init`; out[a] gets
 * arena a afterwards (allocated here, one spare word). 0, or -1 with
 * be->error. */
static inline int vkt_run_program(vae_backend *be, const vae_program *prog, const uint32_t words[VAE_ARENA_COUNT],
                                  uint32_t *const init[VAE_ARENA_COUNT], uint32_t *out[VAE_ARENA_COUNT]) {
    if (be->vt->alloc_arenas(be, words) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        vae_tensor all = {(uint32_t)a, 0, words[a]};
        if (words[a] && be->vt->write(be, all, init[a]) != 0)
            return -1;
    }
    if (vae_backend_run_program(be, prog) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        out[a] = test_alloc((size_t)words[a] * 4 + 4);
        vae_tensor all = {(uint32_t)a, 0, words[a]};
        if (words[a] && be->vt->read(be, all, out[a]) != 0)
            return -1;
    }
    return 0;
}

/* The same for one op. */
static inline int vkt_run_op(vae_backend *be, const vae_op *op, const uint32_t words[VAE_ARENA_COUNT],
                             uint32_t *const init[VAE_ARENA_COUNT], uint32_t *out[VAE_ARENA_COUNT]) {
    vae_program prog = {(vae_op *)op, 1, 1};
    return vkt_run_program(be, &prog, words, init, out);
}

/* Frees arenas as vkt_run_program returns them. */
static inline void vkt_free_arenas(uint32_t *x[VAE_ARENA_COUNT]) {
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(x[a]), x[a] = NULL;
}

/* Words of `got` outside the tensor `out` that differ from `init`. */
static inline size_t vkt_changed_outside(vae_tensor out, const uint32_t words[VAE_ARENA_COUNT],
                                         uint32_t *const init[VAE_ARENA_COUNT], uint32_t *const got[VAE_ARENA_COUNT]) {
    size_t changed = 0;
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        for (uint32_t i = 0; i < words[a]; i++) {
            int inside = (uint32_t)a == out.arena && i >= out.offset && i < out.offset + out.count;
            changed += !inside && got[a][i] != init[a][i];
        }
    return changed;
}

#endif
