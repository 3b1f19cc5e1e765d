#include "cli/device.h"

#include <stdio.h>
#include <string.h>

int cli_device_parse(const char *cmd, const cli_device *d, vae_device *out) {
    char err[512];
    if (vae_device_parse(d->device, d->threads, out, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

int cli_choose_precision(const char *cmd, const cli_device *d, const vae_backend *be, vae_precision *out) {
    if (!d->precision) {
        *out = be->mixed == VAE_MIXED_MATRIX ? VAE_PRECISION_MIXED : VAE_PRECISION_FP32;
        return 0;
    }
    if (strcmp(d->precision, "fp32") == 0) {
        *out = VAE_PRECISION_FP32;
        return 0;
    }
    if (strcmp(d->precision, "mixed") != 0) {
        fprintf(stderr, "vae-vk %s: --precision %s: give fp32 or mixed\n", cmd, d->precision);
        return -1;
    }
    if (be->mixed == VAE_MIXED_NONE) {
        fprintf(stderr, "vae-vk %s: --precision mixed: this device computes fp32 only (%s): use --precision "
                        "fp32; mixed precision pays off on GPUs with matrix units\n", cmd, be->name);
        return -1;
    }
    *out = VAE_PRECISION_MIXED;
    return 0;
}

const char *cli_precision_phrase(vae_precision p, const vae_backend *be) {
    if (p == VAE_PRECISION_FP32)
        return be->mixed == VAE_MIXED_MATRIX ? "fp32 (--precision mixed uses this device's matrix units)"
                                             : "fp32 (this device has no matrix units for mixed precision)";
    return be->mixed == VAE_MIXED_MATRIX
               ? "mixed: binary16 products on the matrix units, fp32 sums and all else, loss scaling"
               : "mixed, emulated: binary16 operands in fp32 arithmetic (the numbers of matrix units, "
                 "not their speed), loss scaling";
}

vae_backend *cli_open_backend(const char *cmd, const cli_device *d, int quiet, vae_precision *precision) {
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
    if (precision && cli_choose_precision(cmd, d, be, precision) != 0) {
        be->vt->destroy(be);
        return NULL;
    }
    if (precision && !quiet)
        fprintf(stderr, "vae-vk %s: precision: %s\n", cmd, cli_precision_phrase(*precision, be));
    return be;
}
