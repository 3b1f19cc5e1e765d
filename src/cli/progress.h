/* Progress on long work. On a terminal: one line redrawn in place, never
 * wider than the terminal (asked at every redraw, so a resize is
 * followed): fields that do not fit are dropped, least important first.
 * Otherwise (a log, a pipe): a plain line at most every 10 s. Nothing when
 * quiet. Every line ends with the elapsed time and the time left. */
#ifndef VAEVK_CLI_PROGRESS_H
#define VAEVK_CLI_PROGRESS_H

#include <stddef.h>

typedef struct {
    int tty, quiet;
    double start, last_print;
    long first_done; /* units done before this process started: ETAs use only its own rate */
    int line_open;
} progress;

/* One part of a progress line. Rank 0 is kept longest; a field of a higher
 * rank is dropped before one of a lower rank. */
typedef struct {
    const char *text;
    int rank;
} progress_field;

/* The rank of the elapsed time and of the time left, which progress adds. */
enum { PROGRESS_RANK_LEFT = 1, PROGRESS_RANK_ELAPSED = 4 };

void progress_init(progress *p, int quiet);
/* Prints `text` with the time left for `done` of `total` units, from the
 * rate since init. */
void progress_update(progress *p, long done, long total, const char *text, int force);
/* Prints the fields in their order, then the elapsed time and `left`
 * seconds to go (negative: not known yet). */
void progress_show(progress *p, const progress_field *fields, int n, double left, int force);
/* Work resumed with done_before units already done: ETAs use only the
 * rate of this process. */
void progress_resume(progress *p, long done_before);
/* Ends the terminal line, if one is open. */
void progress_end(progress *p);

/* The fields that fit in `width` columns, in their order, separated by two
 * spaces: of those that do not fit together, the highest rank goes first
 * (the last of equal ranks first). A lone field too long is cut. */
void progress_layout(const progress_field *fields, int n, int width, char *out, size_t outlen);
/* The columns of the terminal on stderr; COLUMNS, else 80, when it is
 * not one. */
int progress_terminal_width(void);

double now_seconds(void);
void format_duration(double seconds, char *out, int outlen);

#endif
