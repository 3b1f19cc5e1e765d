/* The run directory: checkpoint, CSV log and sample grids of one training run. */
#ifndef VAEVK_CLI_RUN_DIR_H
#define VAEVK_CLI_RUN_DIR_H

#include <stddef.h>
#include <stdio.h>

#define RUN_CHECKPOINT "checkpoint.safetensors"
#define RUN_LOG "log.csv"
#define RUN_LOG_HEADER "step,epoch,beta,loss,recon,kl,images_per_s"

/* mkdir -p. 0 or -1 + err. */
int make_dirs(const char *path, char *err, size_t errlen);
int file_exists(const char *path);
/* Opens RUN_DIR/log.csv for appending; keeps the rows with step < keep_below
 * (the rows of a crashed run past its last checkpoint go). */
FILE *run_log_open(const char *dir, long keep_below, char *err, size_t errlen);

#endif
