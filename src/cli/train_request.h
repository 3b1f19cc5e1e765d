/* A training run as code starts it: the options, which of them were given,
 * the run directory and the device. `vae-vk train` fills one from its
 * command line; `vae-vk sweep` fills one per run of its grid. */
#ifndef VAEVK_CLI_TRAIN_REQUEST_H
#define VAEVK_CLI_TRAIN_REQUEST_H

#include "cli/args.h"
#include "cli/device.h"
#include "vaevk/train.h"

#define TRAIN_MAX_OPTIONS 32

typedef struct {
    vae_train_options o;
    int given[TRAIN_MAX_OPTIONS]; /* in the option table's order: a resumed run changes only these */
    const char *out, *resume;     /* a new run directory, or one to continue */
    cli_device device;
    int quiet;
} train_request;

/* The defaults, nothing given. */
void train_request_init(train_request *q);

/* Parses argv for command `cmd` (train_request.c): every option of the
 * table (vaevk/train_options.h) except the flags in `skip` (NULL-ended;
 * NULL: none), then the command's own `own` specs. Values go into q->o,
 * q->given marks them. 0; 1 after --help; -1 after printing one line. */
int train_request_parse(train_request *q, const char *cmd, const char *usage, const char *const *skip,
                        const arg_spec *own, int nown, int argc, char **argv);

/* Trains as `vae-vk train` does (cmd_train.c): the same messages, progress
 * line and files, and the same exit status (0, 1, or 130 when stopped by
 * Ctrl-C or SIGTERM, with the run saved). */
int train_request_run(const train_request *q);

#endif
