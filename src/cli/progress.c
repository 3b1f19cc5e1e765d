#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void format_duration(double s, char *out, int outlen) {
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, (size_t)outlen, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(out, (size_t)outlen, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, (size_t)outlen, "%lds", t);
}

void progress_init(progress *p, int quiet) {
    p->tty = isatty(STDERR_FILENO);
    p->quiet = quiet;
    p->start = p->last_print = now_seconds();
    p->first_done = 0;
    p->line_open = 0;
}

void progress_update(progress *p, long done, long total, const char *text, int force) {
    if (p->quiet)
        return;
    double t = now_seconds();
    /* a terminal redraws often; a log file gets a line every 10 s */
    if (!force && t - p->last_print < (p->tty ? 0.25 : 10.0))
        return;
    p->last_print = t;
    char eta[32] = "?";
    if (done > p->first_done && total > done)
        format_duration((t - p->start) / (double)(done - p->first_done) * (double)(total - done), eta,
                        sizeof eta);
    else if (total <= done)
        snprintf(eta, sizeof eta, "0s");
    if (p->tty) {
        fprintf(stderr, "\r\033[K%s ETA %s", text, eta);
        p->line_open = 1;
    } else {
        fprintf(stderr, "%s ETA %s\n", text, eta);
    }
    fflush(stderr);
}

void progress_end(progress *p) {
    if (p->line_open)
        fputc('\n', stderr);
    p->line_open = 0;
}

void progress_resume(progress *p, long done_before) { p->first_done = done_before; }
