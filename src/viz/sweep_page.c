/* DIR/sweep.html: the runs of a sweep side by side. One self-contained
 * page like report.html (images as data: URIs, charts as inline SVG, no
 * scripts), built with the report's headings, image embedding and style. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file_write.h"
#include "viz/analysis.h"
#include "viz/csv_table.h"
#include "viz/report_page.h"
#include "viz/svg_plot.h"
#include "viz/sweep.h"

#define GAP 12
#define SHOWN_COLS 2 /* each run's faces as a 2 x 4 grid */

#ifndef VAEVK_VERSION
#define VAEVK_VERSION "dev"
#endif

static const char *const palette[] = {"#3366cc", "#dc3912", "#2a9d5b", "#e07b00", "#7b5ea7",
                                      "#1f8a99", "#b3369e", "#6b6b6b"};
#define NPALETTE (int)(sizeof palette / sizeof palette[0])

/* "BETA 1 RAMP 3": a picture's heading, in font.c's capitals */
static void caption(char *out, size_t len, const viz_sweep_run *r) {
    snprintf(out, len, "BETA %g RAMP %g", (double)r->beta, (double)r->anneal);
}

static void cell(strbuf *b, const char *fmt, double v) {
    if (isfinite(v))
        sb_printf(b, fmt, v);
    else
        sb_puts(b, "<td>\xe2\x80\x94</td>");
}

static void numbers_section(report_page *pg, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n) {
    strbuf *b = &pg->html;
    report_heading(pg, "numbers", "The runs in numbers");
    sb_puts(b, "<table class='grid' id='numbers-table'>\n<tr><th>run</th><th>\xce\xb2</th><th>ramp (epochs)</th>"
            "<th>steps</th><th>validation recon</th><th>validation KL</th><th>active dims</th>"
            "<th>recon detail</th><th>sample gap</th><th>sample spread</th><th>sample detail</th>"
            "<th>q(z) spread</th></tr>\n");
    for (int i = 0; i < n; i++) {
        const viz_sweep_run *r = &runs[i];
        char path[1300];
        snprintf(path, sizeof path, "%s/%s/report.html", pg->dir, r->name);
        FILE *f = fopen(path, "r");
        if (f)
            sb_printf(b, "<tr><td><a href='%s/report.html'>%s</a></td>", r->name, r->name);
        else
            sb_printf(b, "<tr><td>%s</td>", r->name);
        if (f)
            fclose(f);
        sb_printf(b, "<td>%g</td><td>%g</td><td>%ld of %ld</td>", (double)r->beta, (double)r->anneal, r->step,
                  r->total);
        cell(b, "<td>%.1f</td>", r->val_step > 0 ? r->val_recon : NAN);
        cell(b, "<td>%.1f</td>", r->val_step > 0 ? r->val_kl : NAN);
        if (!r->measured) {
            sb_puts(b, "<td colspan='6'>not measured: the run has no checkpoint</td></tr>\n");
            continue;
        }
        sb_printf(b, "<td>%d of %d</td>", r->active, r->L);
        cell(b, "<td>%.0f%%</td>", 100 * r->recon_detail);
        cell(b, "<td>%.2f</td>", r->gap_ratio);
        cell(b, "<td>%.1f</td>", r->sample_spread);
        cell(b, "<td>%.0f%%</td>", 100 * r->sample_detail);
        cell(b, "<td>%.3g</td>", r->qz_var);
        sb_puts(b, "</tr>\n");
    }
    sb_printf(b, "<tr><td>held-out faces</td><td></td><td></td><td></td><td></td><td></td><td></td>"
              "<td>100%%</td><td></td><td>%.1f</td><td>100%%</td><td></td></tr>\n</table>\n", in->face_spread);
    sb_printf(b, "<p>Distances are squared differences summed over the pixels of images in [\xe2\x88\x92" "1, 1], "
              "the units of the loss's reconstruction term. <b>validation recon, KL</b>: the last row of the "
              "run's val.csv, the loss terms per image over its validation set. The rest are measured here on "
              "the same %d %s and the same %d draws of z ~ N(0, I) for every run: <b>active dims</b>: latent "
              "dimensions whose \xce\xbc varies over the faces with variance above %g. <b>recon detail</b>, "
              "<b>sample detail</b>: the mean squared difference of neighbouring pixels, as a share of the "
              "faces' (blur lowers it). <b>sample gap</b>: the mean distance from a sample to the nearest of "
              "the model's reconstructions of the faces, over the mean distance from a reconstruction to the "
              "nearest other one (near 1: samples fall among what the model makes of real faces; large: they "
              "land where no face is encoded). <b>sample spread</b>: the mean distance between two samples "
              "(diversity). <b>q(z) spread</b>: the variance of the codes' aggregate posterior along a "
              "dimension, Var(\xce\xbc) + E[\xcf\x83\xc2\xb2], averaged over dimensions; the prior's is 1.</p>\n",
              in->n, in->held_out ? "held-out faces" : "faces (the data has too few held out: training faces)",
              in->n, VIZ_ACTIVE_VAR);
}

/* The faces and each run's pictures side by side under their headings;
 * with faces == NULL only the runs'. */
static int pictures(report_page *pg, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n,
                    int samples, char *err, size_t errlen) {
    int shown = in->n < SWEEP_SHOWN ? in->n : SWEEP_SHOWN, np = 0, status = 0;
    viz_canvas *parts = calloc((size_t)n + 1, sizeof *parts), c = {0};
    char (*heads)[40] = calloc((size_t)n + 1, sizeof *heads);
    const char **headings = calloc((size_t)n + 1, sizeof *headings);
    if (!parts || !heads || !headings) {
        snprintf(err, errlen, "out of memory for the sweep's pictures");
        status = -1;
    }
    if (status == 0 && !samples) {
        snprintf(heads[np], sizeof heads[np], in->held_out ? "HELD OUT" : "FACES");
        status = viz_canvas_grid(&parts[np++], in->faces, shown, SHOWN_COLS, 1, 0, 0, err, errlen);
    }
    for (int i = 0; status == 0 && i < n; i++)
        if (runs[i].measured) {
            caption(heads[np], sizeof heads[np], &runs[i]);
            status = viz_canvas_grid(&parts[np++], samples ? runs[i].samples : runs[i].recon, shown, SHOWN_COLS, 1,
                                     0, 0, err, errlen);
        }
    for (int k = 0; k < np; k++)
        headings[k] = heads[k];
    if (status == 0 && np > 0 && viz_canvas_beside(&c, parts, headings, np, GAP, 1, err, errlen) == 0)
        status = samples ? report_embed_canvas(pg, "img-sweep-samples", "the decodings of the same draws of z "
                                               "by every run, side by side", &c, 0, err, errlen)
                         : report_embed_canvas(pg, "img-sweep-reconstructions", "held-out faces, and their "
                                               "reconstructions by every run side by side", &c, 0, err, errlen);
    else if (status == 0 && np > 0)
        status = -1;
    for (int k = 0; parts && k < np; k++)
        viz_canvas_free(&parts[k]);
    viz_canvas_free(&c);
    free(parts);
    free(heads);
    free(headings);
    return status;
}

typedef struct {
    csv_table log, val;
    double *step, *y, *vstep, *vy;
} run_curve;

static void curve_free(run_curve *c) {
    free(c->step); free(c->y); free(c->vstep); free(c->vy);
    csv_table_free(&c->log);
    csv_table_free(&c->val);
}

/* One plot of a log column (recon or kl) for every run: training lines,
 * validation circles in the run's colour. */
static int curve_plot(report_page *pg, const viz_sweep_run *runs, int n, const char *column, const char *id,
                      const char *title, const char *y_label, int log_y, char *err, size_t errlen) {
    run_curve *c = calloc((size_t)n, sizeof *c);
    svg_series *s = calloc((size_t)2 * n, sizeof *s);
    char (*names)[2][80] = calloc((size_t)n, sizeof *names);
    int ns = 0, status = c && s && names ? 0 : -1;
    if (status)
        snprintf(err, errlen, "out of memory for the loss curves");
    for (int i = 0; status == 0 && i < n; i++) {
        char path[1300];
        snprintf(path, sizeof path, "%s/%s/log.csv", pg->dir, runs[i].name);
        if (csv_table_read(path, &c[i].log, err, errlen) < 0)
            status = -1;
        snprintf(path, sizeof path, "%s/%s/val.csv", pg->dir, runs[i].name);
        if (status == 0 && csv_table_read(path, &c[i].val, err, errlen) < 0)
            status = -1;
        if (status != 0)
            break;
        c[i].step = csv_table_column(&c[i].log, "step");
        c[i].y = csv_table_column(&c[i].log, column);
        c[i].vstep = csv_table_column(&c[i].val, "step");
        c[i].vy = csv_table_column(&c[i].val, column);
        const char *colour = palette[i % NPALETTE];
        snprintf(names[i][0], sizeof names[i][0], "\xce\xb2 %g, ramp %g", (double)runs[i].beta,
                 (double)runs[i].anneal);
        snprintf(names[i][1], sizeof names[i][1], "\xce\xb2 %g, ramp %g (validation)", (double)runs[i].beta,
                 (double)runs[i].anneal);
        if (c[i].log.nrows > 0 && c[i].step && c[i].y)
            s[ns++] = (svg_series){names[i][0], colour, c[i].step, c[i].y, c[i].log.nrows, 0};
        if (c[i].val.nrows > 0 && c[i].vstep && c[i].vy)
            s[ns++] = (svg_series){names[i][1], colour, c[i].vstep, c[i].vy, c[i].val.nrows, 1};
    }
    if (status == 0) {
        int legend = 60 + 16 * ns; /* the legend sits inside the plot, one line per series */
        svg_plot p = {.id = id, .title = title, .x_label = "step", .y_label = y_label, .log_y = log_y,
                      .width = 1000, .height = legend > 320 ? legend : 320};
        svg_line_plot(&pg->html, &p, s, ns);
    }
    for (int i = 0; c && i < n; i++)
        curve_free(&c[i]);
    free(c);
    free(s);
    free(names);
    return status;
}

static int build(report_page *pg, strbuf *page, const vae_train_options *o, const viz_sweep_inputs *in,
                 const viz_sweep_run *runs, int n, char *err, size_t errlen) {
    report_heading(pg, "answers", "What the runs say");
    sb_puts(&pg->html, "<p>The seed's questions about \xce\xb2 and annealing, each answered from the "
            "numbers below, with the runs it compares and the measure it reads.</p>\n");
    viz_sweep_answers(&pg->html, in, runs, n);
    numbers_section(pg, in, runs, n);
    report_heading(pg, "reconstructions", "Reconstructions of the same faces");
    sb_printf(&pg->html, "<p>The first %d %s (left), then each run's reconstruction of them, decoded from "
              "z = \xce\xbc; the same place in each grid is the same face. Headings: \xce\xb2 and the ramp's "
              "epochs.</p>\n", in->n < SWEEP_SHOWN ? in->n : SWEEP_SHOWN,
              in->held_out ? "held-out faces" : "faces");
    if (pictures(pg, in, runs, n, 0, err, errlen) != 0)
        return -1;
    report_heading(pg, "samples", "Samples from the same z");
    sb_printf(&pg->html, "<p>Each run decodes the same %d draws of z ~ N(0, I) (the seed's SAMPLE stream, "
              "the first faces of each run's samples.png).</p>\n", in->n < SWEEP_SHOWN ? in->n : SWEEP_SHOWN);
    if (pictures(pg, in, runs, n, 1, err, errlen) != 0)
        return -1;
    report_heading(pg, "loss", "Loss curves");
    sb_puts(&pg->html, "<p>Per image, from each run's log.csv (lines, averaged over runs of steps when long) "
            "and val.csv (circles).</p>\n");
    if (curve_plot(pg, runs, n, "recon", "plot-sweep-recon", "Reconstruction error (log scale)",
                   "per image", 1, err, errlen) != 0 ||
        curve_plot(pg, runs, n, "kl", "plot-sweep-kl", "KL divergence", "nats per image", 0, err, errlen) != 0)
        return -1;
    report_heading(pg, "images", "Images in this page");
    sb_printf(&pg->html, "<ul id='image-list'>\n%s</ul>\n", pg->list.data ? pg->list.data : "");

    strbuf intro = {0};
    sb_printf(&intro, "Written by vae-vk %s. %d runs, one per (\xce\xb2, ramp) pair, with the same data (",
              VAEVK_VERSION, n);
    sb_escape(&intro, o->data);
    sb_printf(&intro, "), seed %llu and budget (%d epochs", (unsigned long long)o->seed, o->epochs);
    if (o->max_steps > 0)
        sb_printf(&intro, ", at most %ld steps", o->max_steps);
    sb_printf(&intro, ", batch %d, latent %d).", o->batch, o->model.latent);
    int status = report_page_finish(pg, page, "vae-vk sweep: ", ".answer{margin:10px 0 16px}", &intro, err, errlen);
    sb_free(&intro);
    return status;
}

int viz_sweep_write(const char *dir, const vae_train_options *o, const viz_sweep_inputs *in,
                    const viz_sweep_run *runs, int n, char *err, size_t errlen) {
    report_page pg = {.dir = dir, .o = o};
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_PAGE);
    strbuf page = {0};
    int status = build(&pg, &page, o, in, runs, n, err, errlen);
    if (status == 0)
        status = file_write_atomic(path, page.data, page.len, err, errlen);
    sb_free(&page);
    report_page_free(&pg);
    return status;
}
