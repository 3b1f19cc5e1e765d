/* The report page: its frame, the embedded images and their list, the
 * per-epoch sample grids, the configuration, and the atomic write. */
#include "viz/report.h"
#include "vaevk/train_options.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file_write.h"
#include "io/image.h"
#include "vaevk/model.h"
#include "viz/report_page.h"

#ifndef VAEVK_VERSION
#define VAEVK_VERSION "dev"
#endif

void report_embed_png(report_page *pg, const char *id, const char *alt, const uint8_t *png,
                      size_t len, int width, int zoom) {
    if (zoom < 1) /* fit: the largest whole zoom (at most 3) within the page */
        zoom = width < 350 ? 3 : width > 1050 ? 1 : 1050 / width;
    sb_printf(&pg->html, "<img id='%s' alt='", id);
    sb_escape(&pg->html, alt);
    sb_printf(&pg->html, "' width='%d' src='data:image/png;base64,", width * zoom);
    sb_base64(&pg->html, png, len);
    sb_puts(&pg->html, "'>\n");
    sb_printf(&pg->list, "<li><a href='#%s'>%s</a>: ", id, id);
    sb_escape(&pg->list, alt);
    sb_puts(&pg->list, "</li>\n");
    pg->nimages++;
}

int report_embed_canvas(report_page *pg, const char *id, const char *alt, const viz_canvas *c,
                        int zoom, char *err, size_t errlen) {
    size_t len;
    uint8_t *png = png_encode_rgb(c->rgb, c->width, c->height, &len);
    if (!png) {
        snprintf(err, errlen, "out of memory encoding the %s picture", id);
        return -1;
    }
    report_embed_png(pg, id, alt, png, len, c->width, zoom);
    free(png);
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whole file into memory; NULL if it cannot be read. */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n)) &&
        fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* PNG width from its IHDR chunk, 0 if these are not PNG bytes. */
static int png_width(const uint8_t *p, size_t len) {
    static const uint8_t sig[8] = {137, 'P', 'N', 'G', 13, 10, 26, 10};
    if (len < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
        return 0;
    return (int)((uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19]);
}

/* At most this many per-epoch grids go into the page, evenly spaced with the
 * first and the last always among them: a long run would otherwise make a
 * page of tens of megabytes. */
#define REPORT_MAX_EPOCH_GRIDS 8

/* Whether grid i of n is one of the evenly spaced ones shown. */
static int grid_shown(int i, int n) {
    if (n <= REPORT_MAX_EPOCH_GRIDS)
        return 1;
    for (int k = 0; k < REPORT_MAX_EPOCH_GRIDS; k++)
        if (i == (int)((long)k * (n - 1) / (REPORT_MAX_EPOCH_GRIDS - 1)))
            return 1;
    return 0;
}

static void samples_section(report_page *pg) {
    char *names[1000];
    int n = 0, epoch;
    DIR *d = opendir(pg->dir);
    for (struct dirent *e; d && n < 1000 && (e = readdir(d));) {
        char tail[8];
        if (sscanf(e->d_name, "samples_epoch_%d%7s", &epoch, tail) == 2 &&
            strcmp(tail, ".png") == 0 && (names[n] = strdup(e->d_name)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    sb_puts(&pg->html, "<h2 id='samples'>Samples after each epoch</h2>\n");
    if (n == 0)
        sb_puts(&pg->html, "<p>No samples_epoch_NNN.png in the run directory yet.</p>\n");
    else if (n <= REPORT_MAX_EPOCH_GRIDS)
        sb_puts(&pg->html, "<p>z ~ N(0, I), the same z every epoch.</p>\n<div class='row'>\n");
    else
        sb_printf(&pg->html, "<p>z ~ N(0, I), the same z every epoch; %d of the %d epochs, evenly "
                             "spaced (all are in the run directory).</p>\n<div class='row'>\n",
                  REPORT_MAX_EPOCH_GRIDS, n);
    for (int i = 0; i < n; i++) {
        char path[1400], id[64], alt[96];
        if (!grid_shown(i, n)) {
            free(names[i]);
            continue;
        }
        size_t len;
        snprintf(path, sizeof path, "%s/%s", pg->dir, names[i]);
        sscanf(names[i], "samples_epoch_%d", &epoch);
        uint8_t *png = slurp(path, &len);
        int w = png ? png_width(png, len) : 0;
        if (w > 0) {
            snprintf(id, sizeof id, "img-samples-epoch-%03d", epoch);
            snprintf(alt, sizeof alt, "samples after epoch %d", epoch);
            sb_printf(&pg->html, "<figure>");
            report_embed_png(pg, id, alt, png, len, w, 1);
            sb_printf(&pg->html, "<figcaption>epoch %d</figcaption></figure>\n", epoch);
        }
        free(png);
        free(names[i]);
    }
    if (n > 0)
        sb_puts(&pg->html, "</div>\n");
}

static void row(strbuf *b, const char *name, const char *value) {
    sb_printf(b, "<tr><th>%s</th><td>", name);
    sb_escape(b, value);
    sb_puts(b, "</td></tr>\n");
}

void report_config_section(report_page *pg, const char *throughput) {
    const vae_train_options *o = pg->o;
    const vae_train_progress *p = pg->p;
    char v[700];
    strbuf *b = &pg->html;
    sb_puts(b, "<h2 id='config'>Configuration</h2>\n<table>\n");
    /* every training option, from the one table */
    for (int i = 0; i < vae_train_option_count; i++) {
        const vae_train_option *opt = &vae_train_option_table[i];
        vae_train_option_format(opt, o, v, sizeof v);
        if (opt->type == VAE_OPTION_FLIP)
            snprintf(v, sizeof v, "%s", o->flip ? "yes" : "no");
        else if (opt->zero && strcmp(v, "0") == 0)
            snprintf(v, sizeof v, "%s", opt->zero);
        row(b, opt->label, v);
    }
    snprintf(v, sizeof v, "%u", pg->t->lay.table.count); row(b, "parameters", v);
    snprintf(v, sizeof v, "%ld (%ld per epoch: %d epochs done)", p->step, p->steps_per_epoch,
             p->epoch);
    row(b, "steps done", v);
    row(b, "throughput", throughput);
    row(b, "pictures drawn on", pg->t->be->name);
    sb_puts(b, "</table>\n");
}

static const char style[] =
    "body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222;background:#fafafa}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}"
    "img{image-rendering:pixelated;display:block;margin:6px 0;max-width:100%;height:auto}"
    "table{border-collapse:collapse}th,td{text-align:left;padding:2px 12px 2px 0}"
    "th{font-weight:normal;color:#555}.row{display:flex;flex-wrap:wrap;gap:12px}"
    "figure{margin:0}figcaption{font-size:12px;color:#555}svg{display:block;margin:8px 0}"
    "table.grid td,table.grid th{border:1px solid #ddd;padding:2px 8px}";

static int build(report_page *pg, char *err, size_t errlen) {
    char throughput[256];
    strbuf *b = &pg->html;
    sb_printf(b, "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
              "<title>vae-vk run report: ");
    sb_escape(b, pg->dir);
    sb_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>vae-vk run report: ", style);
    sb_escape(b, pg->dir);
    sb_printf(b, "</h1>\n<p>Written by vae-vk %s after step %ld.</p>\n", VAEVK_VERSION,
              pg->p->step);
    report_throughput(pg->dir, pg->o->batch, throughput, sizeof throughput);
    report_config_section(pg, throughput);
    if (report_loss_section(pg, err, errlen) != 0)
        return -1;
    samples_section(pg);
    if (report_model_sections(pg, err, errlen) != 0)
        return -1;
    sb_printf(b, "<h2 id='images'>Images in this report</h2>\n<ul id='image-list'>\n%s</ul>\n"
              "</body>\n</html>\n", pg->list.data ? pg->list.data : "");
    if (b->failed || pg->list.failed) {
        snprintf(err, errlen, "out of memory building the report");
        return -1;
    }
    return 0;
}

int viz_report_write(const char *dir, vae_trainer *t, const vae_train_options *o,
                     const vae_train_progress *p, char *err, size_t errlen) {
    report_page pg = {.dir = dir, .t = t, .o = o, .p = p};
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, REPORT_FILE);
    int status = build(&pg, err, errlen);
    if (status == 0)
        status = file_write_atomic(path, pg.html.data, pg.html.len, err, errlen);
    sb_free(&pg.html);
    sb_free(&pg.list);
    return status;
}
