/* vae-vk devices: every backend --device can name, and the default. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "vaevk/device.h"
#include "vaevk/fast.h"
#include "vaevk/vulkan.h"

int cmd_devices(int argc, char **argv) {
    int status = args_parse("devices", "", NULL, 0, argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    char cpu[256];
    vae_fast_describe(cpu, sizeof cpu);
    printf("CPU backends:\n");
    printf("cpu: %s\n   threaded over every core (--threads N to choose)\n", cpu);
    printf("reference: plain C, one thread: what every other backend is checked against\n\n");
    vae_vk_print_devices(stdout);
    vae_device d = vae_device_resolve((vae_device){VAE_DEVICE_DEFAULT, 0, 0});
    if (d.kind == VAE_DEVICE_VULKAN)
        printf("\ndefault device: %d (a GPU; --device cpu for the CPU)\n", d.vulkan_index);
    else
        printf("\ndefault device: cpu (no Vulkan GPU; a Vulkan driver on the CPU, such as lavapipe, "
               "runs only when named by its index)\n");
    return 0;
}
