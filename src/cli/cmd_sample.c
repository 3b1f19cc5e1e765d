/* vae-vk sample: new faces, z ~ N(0, T²·I) decoded into a PNG grid. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/device.h"
#include "cli/commands.h"
#include "cli/faces.h"
#include "cli/model_load.h"
#include "cli/wrote.h"

int cmd_sample(int argc, char **argv) {
    const char *checkpoint = NULL, *out = "samples.png";
    cli_device device = {0};
    int n = 64, cols = 8, scale = 1, quiet = 0;
    uint64_t seed = 1;
    float temperature = 1.0f;
    arg_spec specs[] = {
        {"checkpoint", ARG_STRING, &checkpoint, 1, 0, "checkpoint file or run directory", 0},
        {"n", ARG_INT, &n, 1, 4096, "number of faces (64)", 0},
        {"cols", ARG_INT, &cols, 1, 4096, "faces per row (8)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "random seed (1)", 0},
        {"temperature", ARG_FLOAT, &temperature, 0, 100, "z ~ N(0, T^2 I) (1)", 0},
        {"scale", ARG_INT, &scale, 1, 16, "enlarge each pixel (1)", 0},
        {"out", ARG_STRING, &out, 1, 0, "PNG to write (samples.png)", 0},
        CLI_DEVICE_SPECS(&device),
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("sample", "--checkpoint CKPT [--n 64] [--seed S] [--out samples.png]",
                            specs, (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    loaded_model m;
    int batch = n < 64 ? n : 64;
    if (model_load(&m, "sample", checkpoint, &device, batch, quiet) != 0) {
        model_unload(&m);
        return 1;
    }
    char err[600];
    status = write_sample_grid(&m.trainer, seed, temperature, n, cols, scale, out, err, sizeof err);
    if (status != 0)
        fprintf(stderr, "vae-vk sample: %s\n", err);
    else if (!quiet)
        cli_wrote("sample", out, "%d new faces, seed %llu, temperature %g", n,
                  (unsigned long long)seed, temperature);
    model_unload(&m);
    return status ? 1 : 0;
}
