/* --device, --threads and --precision for every command that computes
 * (vaevk/device.h says what the first two name), and opening the backend
 * they choose. */
#ifndef VAEVK_CLI_DEVICE_H
#define VAEVK_CLI_DEVICE_H

#include "vaevk/backend.h"
#include "vaevk/device.h"

typedef struct {
    const char *device; /* NULL: the default */
    int threads;        /* 0: every core */
    const char *precision; /* "fp32", "mixed", NULL: the device's best */
} cli_device;

/* The three options, for a command's arg_spec list. */
#define CLI_DEVICE_SPECS(d)                                                                           \
    {"device", ARG_STRING, &(d)->device, 1, 0,                                                        \
     "cpu, reference, or a Vulkan device index (default: a GPU, else cpu)", 0},                       \
    {"threads", ARG_INT, &(d)->threads, 1, 4096, "threads of --device cpu (default: one per core)", 0}, \
    {"precision", ARG_STRING, &(d)->precision, 1, 0,                                                  \
     "fp32, or mixed: binary16 products, fp32 sums and all else (default: mixed where the device "   \
     "has matrix units, else fp32)", 0}

/* Parses the options into *out; -1 after printing one line. */
int cli_device_parse(const char *cmd, const cli_device *d, vae_device *out);
/* Opens the backend and says which one on stderr unless quiet; with
 * `precision`, also chooses it (cli_choose_precision) and says which.
 * NULL after printing one line on failure. */
vae_backend *cli_open_backend(const char *cmd, const cli_device *d, int quiet, vae_precision *precision);

/* The products' precision on be: d->precision when given (mixed refused
 * in one line where be computes fp32 only), else mixed where be has
 * matrix units, else fp32. -1 after printing one line. */
int cli_choose_precision(const char *cmd, const cli_device *d, const vae_backend *be, vae_precision *out);
/* What the precision means on be, for a "precision:" line. */
const char *cli_precision_phrase(vae_precision p, const vae_backend *be);

#endif
