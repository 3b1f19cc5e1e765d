#include "viz/run_sessions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/csv_table.h"

enum { STARTED, ENDED, DEVICE, NEEDED };
static const char *const needed[NEEDED] = {"started", "ended", "device"};
#define MAX_CELLS 16

static int whole_seconds(const char *cell, long long *v) {
    char *end;
    errno = 0;
    *v = strtoll(cell, &end, 10);
    return end != cell && *end == '\0' && errno == 0 && *v >= 0 ? 0 : -1;
}

static void add_device(run_sessions *s, const char *device) {
    for (int i = 0; i < s->ndevices; i++)
        if (strcmp(s->devices[i], device) == 0)
            return;
    if (s->ndevices < RUN_SESSIONS_MAX_DEVICES)
        snprintf(s->devices[s->ndevices++], sizeof s->devices[0], "%s", device);
}

/* One data row into s; -1 if its times are not whole seconds, end >= start. */
static int add_row(run_sessions *s, char **cells, int n, const int *col) {
    long long started, ended;
    if (col[ENDED] >= n || whole_seconds(cells[col[STARTED]], &started) != 0 ||
        whole_seconds(cells[col[ENDED]], &ended) != 0 || ended < started)
        return -1;
    if (s->count++ == 0)
        s->started = started;
    s->ended = ended;
    s->seconds += ended - started;
    add_device(s, col[DEVICE] < n ? cells[col[DEVICE]] : "");
    return 0;
}

int run_sessions_read(const char *path, run_sessions *s, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    FILE *f;
    int opened = csv_open(path, &f, err, errlen);
    if (opened != 0)
        return opened;
    char line[1024], *cells[MAX_CELLS];
    int col[NEEDED] = {-1, -1, -1}, status = 0;
    int n = fgets(line, sizeof line, f) ? csv_split(line, cells, MAX_CELLS) : 0;
    for (int k = 0; k < NEEDED; k++)
        for (int c = 0; c < n; c++)
            if (strcmp(cells[c], needed[k]) == 0)
                col[k] = c;
    if (col[STARTED] < 0 || col[ENDED] < 0 || col[DEVICE] < 0) {
        snprintf(err, errlen, "%s: the header lacks started, ended or device", path);
        status = -1;
    }
    for (long row = 2; status == 0 && fgets(line, sizeof line, f); row++) {
        n = csv_split(line, cells, MAX_CELLS);
        if (n == 1 && cells[0][0] == '\0')
            continue; /* a blank line */
        if (add_row(s, cells, n, col) != 0) {
            snprintf(err, errlen, "%s line %ld: started and ended must be whole Unix seconds, "
                     "ended not before started", path, row);
            status = -1;
        }
    }
    fclose(f);
    return status != 0 ? -1 : s->count > 0 ? 0 : 1;
}

void run_format_duration(long long seconds, char *out, size_t outlen) {
    if (seconds < 60)
        snprintf(out, outlen, "%llds", seconds);
    else if (seconds < 3600)
        snprintf(out, outlen, "%lldm%02llds", seconds / 60, seconds % 60);
    else
        snprintf(out, outlen, "%lldh%02lldm", seconds / 3600, seconds % 3600 / 60);
}
