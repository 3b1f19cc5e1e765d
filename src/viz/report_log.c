/* The report's training-log parts: loss curves with the beta ramp marked,
 * validation points in colours of their own when val.csv exists, and the
 * throughput line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "viz/csv_table.h"
#include "viz/report_page.h"
#include "viz/svg_plot.h"

enum { COL_STEP, COL_BETA, COL_LOSS, COL_RECON, COL_KL, NCOLS };
static const char *const col_names[NCOLS] = {"step", "beta", "loss", "recon", "kl"};

typedef struct {
    csv_table table;
    double *col[NCOLS];
    long n;
} run_series;

static int series_read(run_series *s, const char *path, char *err, size_t errlen) {
    int status = csv_table_read(path, &s->table, err, errlen);
    s->n = s->table.nrows;
    for (int c = 0; status == 0 && c < NCOLS; c++)
        if (!(s->col[c] = csv_table_column(&s->table, col_names[c]))) {
            snprintf(err, errlen, "out of memory reading %s", path);
            status = -1;
        }
    return status;
}

static void series_free(run_series *s) {
    for (int c = 0; c < NCOLS; c++)
        free(s->col[c]);
    csv_table_free(&s->table);
}

/* Mean of column c over the last `last` rows: a steadier "final" value. */
static double tail_mean(const run_series *s, int c, long last) {
    double sum = 0;
    long k = 0;
    for (long i = s->n - last < 0 ? 0 : s->n - last; i < s->n; i++)
        if (isfinite(s->col[c][i])) { sum += s->col[c][i]; k++; }
    return k ? sum / k : NAN;
}

static void plots(report_page *pg, const run_series *log, const run_series *val) {
    const vae_train_options *o = pg->o;
    double ramp_end = o->anneal_epochs * (double)pg->p->steps_per_epoch;
    char band[96];
    snprintf(band, sizeof band, "\xce\xb2 ramp 0 \xe2\x86\x92 %g (to step %.0f)",
             (double)o->beta_max, ramp_end);
    svg_plot p = {.x_label = "step", .band_x0 = 0, .band_x1 = ramp_end, .band_label = band,
                  .width = 1000, .height = 300};
    double *const *L = log->col, *const *V = val->col;
    svg_series loss[] = {
        {"loss (train)", "#3366cc", L[COL_STEP], L[COL_LOSS], log->n, 0},
        {"reconstruction (train)", "#2a9d5b", L[COL_STEP], L[COL_RECON], log->n, 0},
        {"loss (validation)", "#e07b00", V[COL_STEP], V[COL_LOSS], val->n, 1},
        {"reconstruction (validation)", "#b3369e", V[COL_STEP], V[COL_RECON], val->n, 1},
    };
    p.id = "plot-loss"; p.title = "Loss and reconstruction error (log scale)";
    p.y_label = "per image"; p.log_y = 1;
    svg_line_plot(&pg->html, &p, loss, val->n ? 4 : 2);
    svg_series kl[] = {
        {"KL (train)", "#d1495b", L[COL_STEP], L[COL_KL], log->n, 0},
        {"KL (validation)", "#1f8a99", V[COL_STEP], V[COL_KL], val->n, 1},
    };
    p.id = "plot-kl"; p.title = "KL divergence"; p.y_label = "nats per image"; p.log_y = 0;
    svg_line_plot(&pg->html, &p, kl, val->n ? 2 : 1);
    svg_series beta[] = {{"\xce\xb2", "#7b5ea7", L[COL_STEP], L[COL_BETA], log->n, 0}};
    p.id = "plot-beta"; p.title = "KL weight \xce\xb2"; p.y_label = "\xce\xb2"; p.height = 200;
    svg_line_plot(&pg->html, &p, beta, 1);
}

int report_loss_section(report_page *pg, char *err, size_t errlen) {
    char path[1200];
    run_series log = {0}, val = {0};
    report_heading(pg, "loss", "Loss curves");
    snprintf(path, sizeof path, "%s/log.csv", pg->dir);
    int status = series_read(&log, path, err, errlen);
    snprintf(path, sizeof path, "%s/val.csv", pg->dir);
    if (status == 0)
        status = series_read(&val, path, err, errlen) < 0 ? -1 : 0;
    if (status == 0 && log.n == 0) {
        sb_puts(&pg->html, "<p>No training steps logged yet (log.csv is missing or empty).</p>\n");
    } else if (status == 0) {
        long run = (log.n + SVG_MAX_POINTS - 1) / SVG_MAX_POINTS;
        sb_printf(&pg->html, "<p>%ld steps logged. Per-image loss = reconstruction (squared error "
                  "summed over pixels) + \xce\xb2\xc2\xb7KL. The shaded band is the \xce\xb2 ramp.",
                  log.n);
        if (run > 1)
            sb_printf(&pg->html, " Lines show means over runs of %ld steps.", run);
        sb_printf(&pg->html, " Mean of the last 50 steps: loss %.2f, reconstruction %.2f, KL %.2f. "
                  "%s</p>\n", tail_mean(&log, COL_LOSS, 50), tail_mean(&log, COL_RECON, 50),
                  tail_mean(&log, COL_KL, 50),
                  val.n ? "Lines: training steps; circles, in their own colours: validation "
                          "(val.csv), held-out images."
                        : "No validation rows (val.csv).");
        plots(pg, &log, &val);
    }
    series_free(&log);
    series_free(&val);
    return status < 0 ? -1 : 0;
}

void report_throughput(const char *dir, int batch, char *out, size_t outlen) {
    char path[1200], err[200];
    csv_table t;
    snprintf(path, sizeof path, "%s/log.csv", dir);
    snprintf(out, outlen, "no log.csv");
    if (csv_table_read(path, &t, err, sizeof err) != 0)
        return;
    int c = csv_table_col(&t, "images_per_s");
    /* the column is a running mean since the (last) start of training; the
     * last row may be cut short by a run still writing it */
    long i = t.nrows - 1;
    while (c >= 0 && i >= 0 && !isfinite(t.v[(size_t)i * t.ncols + c]))
        i--;
    if (c >= 0 && i >= 0)
        snprintf(out, outlen, "%.1f images/s (running mean at the last logged step; %ld steps "
                 "of %d images logged)", t.v[(size_t)i * t.ncols + c], t.nrows, batch);
    csv_table_free(&t);
}
