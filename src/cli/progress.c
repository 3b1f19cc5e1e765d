#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_FIELDS 16
#define SEPARATOR "  "

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

/* Columns a UTF-8 string takes: one per character. */
static int columns(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

int progress_terminal_width(void) {
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    int w = env ? atoi(env) : 0;
    return w > 0 ? w : 80;
}

/* The columns the kept fields take, with a separator between each two. */
static int kept_columns(const progress_field *f, const int *keep, int n) {
    int used = -(int)strlen(SEPARATOR);
    for (int i = 0; i < n; i++)
        if (keep[i])
            used += (int)strlen(SEPARATOR) + columns(f[i].text);
    return used > 0 ? used : 0;
}

void progress_layout(const progress_field *f, int n, int width, char *out, size_t outlen) {
    int keep[MAX_FIELDS], kept = 0;
    n = n < MAX_FIELDS ? n : MAX_FIELDS;
    for (int i = 0; i < n; i++)
        kept += keep[i] = f[i].text && f[i].text[0];
    while (kept > 1 && kept_columns(f, keep, n) > width) {
        int drop = -1;
        for (int i = 0; i < n; i++)
            if (keep[i] && (drop < 0 || f[i].rank >= f[drop].rank))
                drop = i;
        keep[drop] = 0;
        kept--;
    }
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        if (keep[i] && len + 1 < outlen)
            len += (size_t)snprintf(out + len, outlen - len, "%s%s", len ? SEPARATOR : "", f[i].text);
    /* a lone field wider than that: cut at a character's start */
    int cols = 0;
    for (size_t i = 0; out[i]; i++)
        if (((unsigned char)out[i] & 0xc0) != 0x80 && ++cols > width) {
            out[i] = '\0';
            break;
        }
}

void progress_init(progress *p, int quiet) {
    p->tty = isatty(STDERR_FILENO);
    p->quiet = quiet;
    p->start = p->last_print = now_seconds();
    p->first_done = 0;
    p->line_open = 0;
}

void progress_show(progress *p, const progress_field *fields, int n, double left, int force) {
    if (p->quiet)
        return;
    double t = now_seconds();
    /* a terminal redraws often; a log file gets a line every 10 s */
    if (!force && t - p->last_print < (p->tty ? 0.25 : 10.0))
        return;
    p->last_print = t;
    char elapsed[48], eta[48], took[32], rest[32] = "?";
    format_duration(t - p->start, took, sizeof took);
    if (left >= 0)
        format_duration(left, rest, sizeof rest);
    snprintf(elapsed, sizeof elapsed, "elapsed %s", took);
    snprintf(eta, sizeof eta, "ETA %s", rest);
    progress_field all[MAX_FIELDS];
    int m = 0;
    for (int i = 0; i < n && m < MAX_FIELDS - 2; i++)
        all[m++] = fields[i];
    all[m++] = (progress_field){elapsed, PROGRESS_RANK_ELAPSED};
    all[m++] = (progress_field){eta, PROGRESS_RANK_LEFT};
    char line[1024];
    /* one column short of the width: a character in the last column makes
     * some terminals wrap, and the redraw would then start a new line */
    progress_layout(all, m, p->tty ? progress_terminal_width() - 1 : (int)sizeof line, line, sizeof line);
    if (p->tty) {
        fprintf(stderr, "\r\033[K%s", line);
        p->line_open = 1;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

void progress_update(progress *p, long done, long total, const char *text, int force) {
    double left = -1;
    if (done > p->first_done && total > done)
        left = (now_seconds() - p->start) / (double)(done - p->first_done) * (double)(total - done);
    else if (total <= done)
        left = 0;
    progress_field f = {text, 0};
    progress_show(p, &f, 1, left, force);
}

void progress_end(progress *p) {
    if (p->line_open)
        fputc('\n', stderr);
    p->line_open = 0;
}

void progress_resume(progress *p, long done_before) { p->first_done = done_before; }
