/* Every backend a command can run on, and the one --device parser:
 *   cpu          the fast CPU backend, threaded over every core (vaevk/fast.h)
 *   reference    the plain-C reference, one thread: what the others are checked against
 *   N            Vulkan device N (vae-vk devices lists them)
 * With no --device: the best Vulkan GPU (discrete, then integrated, then
 * virtual), else the fast CPU backend. A Vulkan driver on the CPU (Mesa's
 * lavapipe) is never the default, only chosen by its index. */
#ifndef VAEVK_DEVICE_H
#define VAEVK_DEVICE_H

#include <stddef.h>

#include "vaevk/backend.h"

typedef enum {
    VAE_DEVICE_DEFAULT,   /* not chosen: vae_device_resolve picks one */
    VAE_DEVICE_CPU,
    VAE_DEVICE_REFERENCE,
    VAE_DEVICE_VULKAN,
} vae_device_kind;

typedef struct {
    vae_device_kind kind;
    int vulkan_index;  /* VAE_DEVICE_VULKAN */
    int threads;       /* VAE_DEVICE_CPU: 0 = one per core */
} vae_device;

/* A --device value (NULL: the default) and a --threads value (0: not
 * given). -1 with one line in err for a word that names no backend, or
 * threads for a device that has none to set. */
int vae_device_parse(const char *text, int threads, vae_device *out, char *err, size_t errlen);
/* The default made concrete (GPU, else cpu); a chosen device is kept. */
vae_device vae_device_resolve(vae_device d);
/* "cpu", "reference" or the Vulkan index, for messages and checkpoints. */
void vae_device_text(const vae_device *d, char *out, size_t len);
/* Opens it (resolving the default first). NULL with one line in err. */
vae_backend *vae_device_open(vae_device d, char *err, size_t errlen);

#endif
