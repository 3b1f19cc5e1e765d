/* --device and --threads for every command that computes (vaevk/device.h
 * says what they name), and opening the backend they choose. */
#ifndef VAEVK_CLI_DEVICE_H
#define VAEVK_CLI_DEVICE_H

#include "vaevk/backend.h"
#include "vaevk/device.h"

typedef struct {
    const char *device; /* NULL: the default */
    int threads;        /* 0: every core */
} cli_device;

/* The two options, for a command's arg_spec list. */
#define CLI_DEVICE_SPECS(d)                                                                           \
    {"device", ARG_STRING, &(d)->device, 1, 0,                                                        \
     "cpu, reference, or a Vulkan device index (default: a GPU, else cpu)", 0},                       \
    {"threads", ARG_INT, &(d)->threads, 1, 4096, "threads of --device cpu (default: one per core)", 0}

/* Parses the options into *out; -1 after printing one line. */
int cli_device_parse(const char *cmd, const cli_device *d, vae_device *out);
/* Opens the backend and says which one on stderr unless quiet. NULL after
 * printing one line on failure. */
vae_backend *cli_open_backend(const char *cmd, const cli_device *d, int quiet);

#endif
