/* The run directory: checkpoint, CSV logs and sample grids of one training
 * run, written by one process at a time. */
#ifndef VAEVK_CLI_RUN_DIR_H
#define VAEVK_CLI_RUN_DIR_H

#include <stddef.h>
#include <stdio.h>

#define RUN_CHECKPOINT "checkpoint.safetensors"
#define RUN_LOG "log.csv"
#define RUN_SAMPLES "samples.png" /* new faces from the final model */
/* loss_scale and skipped: mixed precision's S after the step and the steps
 * skipped so far (1 and the run's count in fp32; logs before them: 1, 0) */
#define RUN_LOG_HEADER "step,epoch,beta,loss,recon,kl,images_per_s,loss_scale,skipped"
#define RUN_LOG_FIELDS 9
#define RUN_LOCK ".lock"

/* mkdir -p. 0 or -1 + err. */
int make_dirs(const char *path, char *err, size_t errlen);
int file_exists(const char *path);

/* A claim on a run directory: an exclusive flock on RUN_DIR/.lock, which
 * the kernel releases when the process ends however it ends (kill -9
 * included), with the holder's PID written in the file for the next
 * claimant's message. */
typedef struct {
    int fd;           /* -1: not held */
    int created;      /* the claim made the directory: it goes if the command fails early */
    char dir[1024];
} run_claim;

/* Creates the directory (unless must_exist) and claims it. -1 with one
 * line in err: "runs/x is in use by process 1234: ...". Also removes the
 * temp files a killed writer left (*.tmp), which no live process can own
 * while the claim is held. */
int run_dir_claim(run_claim *c, const char *dir, int must_exist, char *err, size_t errlen);
/* Gives the claim up; with `failed`, a directory the claim created and
 * nothing has been written to since is removed too. */
void run_dir_release(run_claim *c, int failed);

/* Opens a CSV log of the run for appending (path, its header and its
 * field count): rewritten first with the header and the old rows that are
 * whole (a full line of `fields` fields whose column `step_column` is an
 * integer below `keep_below`), so a header lost to a kill or a row torn
 * by one never survives. Rows an older version wrote (`older`, or NULL)
 * are kept with the fields it lacked appended. 0 and *f, or -1 + err. */
typedef struct {
    int fields;          /* the older rows' field count */
    const char *suffix;  /* appended to each: ",1,0" */
} run_csv_older;
int run_csv_open(const char *path, const char *header, int fields, int step_column, long keep_below,
                 const run_csv_older *older, FILE **f, char *err, size_t errlen);

#endif
