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

#endif
