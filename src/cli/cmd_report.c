/* vae-vk report RUN_DIR: writes RUN_DIR/report.html, one self-contained
 * page about the run (see viz/report.h). train writes it at the end too. */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/device.h"
#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/run_dir.h"
#include "cli/wrote.h"
#include "viz/report.h"

int cmd_report(int argc, char **argv) {
    const char *dir[1] = {NULL};
    cli_device device = {0};
    int quiet = 0, npos = 0;
    arg_spec specs[] = {
        CLI_DEVICE_SPECS(&device),
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("report", "RUN_DIR [--device cpu|reference|N]\nWrites RUN_DIR/report.html: "
                            "loss curves, samples, reconstructions, interpolation, traversal, "
                            "KL per dimension, the model's analysis (vae-vk analyze), "
                            "configuration.", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, dir, 1, &npos);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (npos != 1) {
        fprintf(stderr, "vae-vk report: give the run directory: vae-vk report RUN_DIR\n");
        return 2;
    }
    loaded_model m;
    char err[600];
    run_claim claim = {.fd = -1};
    struct stat st; /* a run directory is claimed; anything else model_load refuses */
    if (stat(dir[0], &st) == 0 && S_ISDIR(st.st_mode) && run_dir_claim(&claim, dir[0], 1, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk report: %s\n", err);
        return 1;
    }
    status = 1;
    if (model_load(&m, "report", dir[0], &device, 64, quiet) == 0) {
        if (viz_report_write(dir[0], &m.trainer, &m.ck.options, &m.ck.progress, err, sizeof err) != 0)
            fprintf(stderr, "vae-vk report: %s\n", err);
        else {
            if (!quiet) {
                char path[1200];
                snprintf(path, sizeof path, "%s/%s", dir[0], REPORT_FILE);
                cli_wrote("report", path, "the run's report: open it in a browser");
            }
            status = 0;
        }
    }
    model_unload(&m);
    run_dir_release(&claim, 0);
    return status;
}
