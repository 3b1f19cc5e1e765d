#include "cli/device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/vulkan.h"

static vae_backend *open_cpu(const char *cmd) {
    vae_backend *be = vae_reference_backend_create();
    if (!be)
        fprintf(stderr, "vae-vk %s: out of memory creating the CPU backend\n", cmd);
    return be;
}

vae_backend *cli_open_backend(const char *cmd, const char *device, int quiet) {
    char err[512] = "";
    vae_backend *be = NULL;
    if (device && strcmp(device, "cpu") == 0) {
        be = open_cpu(cmd);
    } else if (device) {
        char *end;
        long index = strtol(device, &end, 10);
        if (end == device || *end || index < 0) {
            fprintf(stderr, "vae-vk %s: --device '%s' is neither 'cpu' nor a device index "
                            "(run vae-vk devices to list them)\n", cmd, device);
            return NULL;
        }
        be = vae_vk_backend_create((int)index, err, sizeof err);
        if (!be) {
            fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
            return NULL;
        }
    } else {
        int best = vae_vk_best_device();
        if (best >= 0)
            be = vae_vk_backend_create(best, err, sizeof err);
        if (!be) {
            if (!quiet)
                fprintf(stderr, "vae-vk %s: no usable Vulkan device%s%s; using the CPU reference "
                                "(slow)\n", cmd, err[0] ? ": " : "", err);
            be = open_cpu(cmd);
        }
    }
    if (be && !quiet)
        fprintf(stderr, "vae-vk %s: device: %s\n", cmd, be->name);
    return be;
}
