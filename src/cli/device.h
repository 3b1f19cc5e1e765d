/* Choosing the backend for --device: "cpu", a Vulkan device index, or
 * (NULL) the best available: discrete GPU, integrated, CPU Vulkan
 * (lavapipe), else the CPU reference. */
#ifndef VAEVK_CLI_DEVICE_H
#define VAEVK_CLI_DEVICE_H

#include "vaevk/backend.h"

/* Opens the backend and says which one on stderr unless quiet. NULL after
 * printing one line on failure. */
vae_backend *cli_open_backend(const char *cmd, const char *device, int quiet);

#endif
