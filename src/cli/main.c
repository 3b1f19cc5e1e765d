/* vae-vk: train a convolutional VAE on faces with Vulkan compute, then draw
 * new faces from it. This file only dispatches to the commands. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"train", cmd_train, "train the VAE (synthetic faces by default)"},
    {"sample", cmd_sample, "decode z ~ N(0, I) into a grid of new faces"},
    {"reconstruct", cmd_reconstruct, "show images beside their reconstructions"},
    {"interpolate", cmd_interpolate, "decode the path between the codes of two images"},
    {"traverse", cmd_traverse, "sweep the latent dimensions with the most KL, one row each"},
    {"analyze", cmd_analyze, "the KL term decomposed, active units, ELBO and IWAE bounds, prior holes"},
    {"report", cmd_report, "write RUN_DIR/report.html: curves, samples, traversals"},
    {"sweep", cmd_sweep, "train one model per beta and ramp, then compare them in DIR/sweep.html"},
    {"dataset", cmd_dataset, "prepare, inspect, preview, export and bench datasets (dataset SUB --help)"},
    {"devices", cmd_devices, "list the Vulkan devices"},
    {"check-reference", cmd_check_reference, "run a PyTorch reference step and compare"},
    {"bench", cmd_bench, "measure training throughput on a device"},
    {"selftest", cmd_selftest, "check a Vulkan device against the CPU reference"},
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f, "usage: vae-vk COMMAND [options]   (vae-vk COMMAND --help for its options)\n\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vae-vk %s\n", VAEVK_VERSION);
        return 0;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "vae-vk: unknown command '%s' (run vae-vk --help for the list)\n", argv[1]);
    return 2;
}
