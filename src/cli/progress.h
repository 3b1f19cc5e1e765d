/* Progress on long work: a self-rewriting line on a terminal, plain lines
 * (at most one every few seconds) otherwise, nothing when quiet. */
#ifndef VAEVK_CLI_PROGRESS_H
#define VAEVK_CLI_PROGRESS_H

typedef struct {
    int tty, quiet;
    double start, last_print;
    long first_done; /* units done before this process started: ETAs use only its own rate */
    int line_open;
} progress;

void progress_init(progress *p, int quiet);
/* Prints `text` with the ETA for `done` of `total` units (since init). */
void progress_update(progress *p, long done, long total, const char *text, int force);
/* Work resumed with done_before units already done: ETAs use only the
 * rate of this process. */
void progress_resume(progress *p, long done_before);
/* Ends the terminal line, if one is open. */
void progress_end(progress *p);
double now_seconds(void);
void format_duration(double seconds, char *out, int outlen);

#endif
