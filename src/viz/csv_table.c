#include "viz/csv_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csv_split(char *line, char **cells, int max) {
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *p = line; n < max;) {
        cells[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static int add_row(csv_table *t, char **cells, int n, long *cap) {
    if (t->nrows == *cap) {
        long grown = *cap ? 2 * *cap : 1024;
        double *v = realloc(t->v, (size_t)grown * t->ncols * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        *cap = grown;
    }
    double *row = t->v + (size_t)t->nrows++ * t->ncols;
    for (int c = 0; c < t->ncols; c++) {
        char *end = NULL;
        row[c] = c < n ? strtod(cells[c], &end) : NAN;
        if (c < n && (end == cells[c] || *end))
            row[c] = NAN;
    }
    return 0;
}

int csv_open(const char *path, FILE **f, char *err, size_t errlen) {
    if ((*f = fopen(path, "r")))
        return 0;
    if (errno == ENOENT)
        return 1;
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return -1;
}

int csv_table_read(const char *path, csv_table *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    FILE *f;
    int opened = csv_open(path, &f, err, errlen);
    if (opened != 0)
        return opened;
    char line[2048], *cells[CSV_MAX_COLS];
    long cap = 0;
    int status = 0;
    if (fgets(line, sizeof line, f)) {
        t->ncols = csv_split(line, cells, CSV_MAX_COLS);
        for (int c = 0; c < t->ncols; c++)
            snprintf(t->names[c], sizeof t->names[c], "%s", cells[c]);
    }
    while (status == 0 && t->ncols > 0 && fgets(line, sizeof line, f)) {
        int n = csv_split(line, cells, CSV_MAX_COLS);
        if (n == 1 && cells[0][0] == '\0')
            continue; /* blank line */
        if (add_row(t, cells, n, &cap) != 0) {
            snprintf(err, errlen, "out of memory reading %s", path);
            status = -1;
        }
    }
    fclose(f);
    if (status != 0)
        csv_table_free(t);
    return status;
}

int csv_table_col(const csv_table *t, const char *name) {
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0)
            return c;
    return -1;
}

double *csv_table_column(const csv_table *t, const char *name) {
    double *out = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *out);
    int c = csv_table_col(t, name);
    for (long i = 0; out && i < t->nrows; i++)
        out[i] = c >= 0 ? t->v[(size_t)i * t->ncols + c] : NAN;
    return out;
}

void csv_table_free(csv_table *t) {
    free(t->v);
    memset(t, 0, sizeof *t);
}
