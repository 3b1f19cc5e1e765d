/* vae-vk devices: every Vulkan device, and which one --device picks. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "vaevk/vulkan.h"

int cmd_devices(int argc, char **argv) {
    int status = args_parse("devices", "", NULL, 0, argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    vae_vk_print_devices(stdout);
    int best = vae_vk_best_device();
    if (best >= 0)
        printf("\ndefault device: %d (use --device N to choose, --device cpu for the CPU reference)\n", best);
    else
        printf("\nno Vulkan device: commands run on the CPU reference (--device cpu)\n");
    return 0;
}
