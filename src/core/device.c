/* The backend registry (vaevk/device.h): --device parsed once for every
 * command, and the default pick. */
#include "vaevk/device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/fast.h"
#include "vaevk/vulkan.h"

int vae_device_parse(const char *text, int threads, vae_device *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->threads = threads;
    if (!text)
        out->kind = VAE_DEVICE_DEFAULT;
    else if (strcmp(text, "cpu") == 0)
        out->kind = VAE_DEVICE_CPU;
    else if (strcmp(text, "reference") == 0)
        out->kind = VAE_DEVICE_REFERENCE;
    else {
        char *end;
        long index = strtol(text, &end, 10);
        if (end == text || *end || index < 0 || index > 1000000) {
            snprintf(err, errlen, "--device '%s' is not 'cpu', 'reference' or a Vulkan device index "
                                  "(vae-vk devices lists them)", text);
            return -1;
        }
        out->kind = VAE_DEVICE_VULKAN;
        out->vulkan_index = (int)index;
    }
    if (threads > 0 && out->kind != VAE_DEVICE_CPU && out->kind != VAE_DEVICE_DEFAULT) {
        snprintf(err, errlen, "--threads sets the CPU backend's threads, but --device is '%s': "
                              "give --device cpu or drop --threads", text);
        return -1;
    }
    return 0;
}

vae_device vae_device_resolve(vae_device d) {
    if (d.kind != VAE_DEVICE_DEFAULT)
        return d;
    /* --threads alone asks for the CPU */
    int gpu = d.threads > 0 ? -1 : vae_vk_best_gpu();
    if (gpu >= 0)
        d.kind = VAE_DEVICE_VULKAN, d.vulkan_index = gpu;
    else
        d.kind = VAE_DEVICE_CPU;
    return d;
}

void vae_device_text(const vae_device *d, char *out, size_t len) {
    switch (d->kind) {
    case VAE_DEVICE_CPU: snprintf(out, len, "cpu"); break;
    case VAE_DEVICE_REFERENCE: snprintf(out, len, "reference"); break;
    case VAE_DEVICE_VULKAN: snprintf(out, len, "%d", d->vulkan_index); break;
    default: snprintf(out, len, "default"); break;
    }
}

vae_backend *vae_device_open(vae_device d, char *err, size_t errlen) {
    d = vae_device_resolve(d);
    vae_backend *be = NULL;
    switch (d.kind) {
    case VAE_DEVICE_CPU:
        return vae_fast_backend_create(d.threads, err, errlen);
    case VAE_DEVICE_REFERENCE:
        if (!(be = vae_reference_backend_create()))
            snprintf(err, errlen, "out of memory creating the reference backend");
        return be;
    default:
        return vae_vk_backend_create(d.vulkan_index, err, errlen);
    }
}
