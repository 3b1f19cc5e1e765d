/* Numeric CSV files with a header row (log.csv, val.csv), read by column
 * name so columns added later do not break the report. */
#ifndef VAEVK_VIZ_CSV_TABLE_H
#define VAEVK_VIZ_CSV_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_COLS 32

typedef struct {
    int ncols;
    char names[CSV_MAX_COLS][32];
    long nrows;
    double *v; /* (nrows, ncols); a cell that is not a number is NaN */
} csv_table;

/* 0 read, 1 no such file (t left empty), -1 error with one line in err. */
int csv_table_read(const char *path, csv_table *t, char *err, size_t errlen);
/* Column index of `name`, or -1. */
int csv_table_col(const csv_table *t, const char *name);
/* Column `name` copied out as (nrows) doubles, NaN when the column is
 * missing; malloc'd (NULL if out of memory). */
double *csv_table_column(const csv_table *t, const char *name);
void csv_table_free(csv_table *t);

/* Opens a CSV file to read: 0, 1 when there is no such file, -1 with
 * one line in err. */
int csv_open(const char *path, FILE **f, char *err, size_t errlen);
/* Splits a line at commas in place, its line end dropped: at most max
 * cells (the last one keeps any further commas); the count. */
int csv_split(char *line, char **cells, int max);

#endif
