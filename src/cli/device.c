#include "cli/device.h"

#include <stdio.h>

int cli_device_parse(const char *cmd, const cli_device *d, vae_device *out) {
    char err[512];
    if (vae_device_parse(d->device, d->threads, out, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

vae_backend *cli_open_backend(const char *cmd, const cli_device *d, int quiet) {
    vae_device dev;
    char err[512] = "";
    if (cli_device_parse(cmd, d, &dev) != 0)
        return NULL;
    vae_backend *be = vae_device_open(dev, err, sizeof err);
    if (!be) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
        return NULL;
    }
    if (!quiet)
        fprintf(stderr, "vae-vk %s: device: %s\n", cmd, be->name);
    return be;
}
