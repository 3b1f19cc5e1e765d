/* The device a test program runs on, from its one argument (reference,
 * cpu or a Vulkan index, as --device takes it), for tests meson runs once
 * per backend. Header-only, like check.h. */
#ifndef VAEVK_TESTS_COMMON_DEVICE_ARG_H
#define VAEVK_TESTS_COMMON_DEVICE_ARG_H

#include <stdio.h>
#include <stdlib.h>

#include "vaevk/device.h"
#include "vaevk/vulkan.h"

/* The backend argv[1] names, and in *dev which it is; NULL with *exit_code
 * set to what main should return: 2 for a bad argument (a usage line
 * naming `program`), 77 (skip) when the Vulkan device is not there, 1
 * when it would not open. */
static inline vae_backend *test_open_device_arg(int argc, char **argv, const char *program, vae_device *dev,
                                                int *exit_code) {
    char err[512];
    if (argc != 2 || vae_device_parse(argv[1], 0, dev, err, sizeof err) != 0) {
        fprintf(stderr, "usage: %s reference|cpu|N (%s)\n", program, argc == 2 ? err : "");
        *exit_code = 2;
        return NULL;
    }
    if (dev->kind == VAE_DEVICE_VULKAN) {
        vae_vk_device_info *d = NULL;
        int n = 0;
        if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0 || n <= dev->vulkan_index) {
            printf("skipped: no Vulkan device %d\n", dev->vulkan_index);
            *exit_code = 77;
            return NULL;
        }
        free(d);
    }
    vae_backend *be = vae_device_open(*dev, err, sizeof err);
    if (!be) {
        printf("FAIL opening %s: %s\n", argv[1], err);
        *exit_code = 1;
        return NULL;
    }
    printf("backend: %s\n", be->name);
    return be;
}

#endif
