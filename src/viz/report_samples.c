/* The report's sample grids: RUN_DIR/samples.png from the final model when
 * train wrote one, and the per-epoch samples_epoch_NNN.png, shown enlarged
 * so that 64-pixel faces can be seen. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/report_page.h"

#define FINAL_SAMPLES_FILE "samples.png"
#define EPOCH_GRID_ZOOM 2 /* the grids are written at scale 1: 64-pixel faces */

/* At most this many per-epoch grids go into the page, evenly spaced with the
 * first and the last always among them: a long run would otherwise make a
 * page of tens of megabytes. */
#define REPORT_MAX_EPOCH_GRIDS 8

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

/* Embeds the PNG file `name` of the run directory; 0 if it is not a PNG. */
static int embed_file(report_page *pg, const char *name, const char *id, const char *alt,
                      int zoom) {
    char path[1400];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", pg->dir, name);
    uint8_t *png = slurp(path, &len);
    int width = png ? png_width(png, len) : 0;
    if (width > 0)
        report_embed_png(pg, id, alt, png, len, width, zoom);
    free(png);
    return width > 0;
}

void report_final_samples_section(report_page *pg) {
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", pg->dir, FINAL_SAMPLES_FILE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return; /* written by train after its last step; older runs lack it */
    fclose(f);
    report_heading(pg, "final-samples", "Samples from the final model");
    sb_puts(&pg->html, "<p>Faces decoded from random codes z ~ N(0, I) by the model as it was "
            "saved last (" FINAL_SAMPLES_FILE ").</p>\n");
    if (!embed_file(pg, FINAL_SAMPLES_FILE, "img-samples-final", "samples from the final model", 0))
        sb_puts(&pg->html, "<p>" FINAL_SAMPLES_FILE " is not a PNG file.</p>\n");
}

/* Whether grid i of n is one of the evenly spaced ones shown. */
static int grid_shown(int i, int n) {
    if (n <= REPORT_MAX_EPOCH_GRIDS)
        return 1;
    for (int k = 0; k < REPORT_MAX_EPOCH_GRIDS; k++)
        if (i == (int)((long)k * (n - 1) / (REPORT_MAX_EPOCH_GRIDS - 1)))
            return 1;
    return 0;
}

/* samples_epoch_NNN.png in the run directory, sorted; their count. */
static int epoch_grid_names(const char *dir, char **names, int max) {
    int n = 0, epoch;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && n < max && (e = readdir(d));) {
        char tail[8];
        if (sscanf(e->d_name, "samples_epoch_%d%7s", &epoch, tail) == 2 &&
            strcmp(tail, ".png") == 0 && (names[n] = strdup(e->d_name)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    return n;
}

void report_epoch_samples_section(report_page *pg) {
    char *names[1000];
    int n = epoch_grid_names(pg->dir, names, 1000);
    report_heading(pg, "samples", "Samples after each epoch");
    if (n == 0)
        sb_puts(&pg->html, "<p>No samples_epoch_NNN.png in the run directory yet.</p>\n");
    else if (n <= REPORT_MAX_EPOCH_GRIDS)
        sb_puts(&pg->html, "<p>z ~ N(0, I), the same z every epoch.</p>\n<div class='row'>\n");
    else
        sb_printf(&pg->html, "<p>z ~ N(0, I), the same z every epoch; %d of the %d epochs, evenly "
                             "spaced (all are in the run directory).</p>\n<div class='row'>\n",
                  REPORT_MAX_EPOCH_GRIDS, n);
    for (int i = 0; i < n; i++) {
        char id[64], alt[96];
        int epoch = 0;
        sscanf(names[i], "samples_epoch_%d", &epoch);
        snprintf(id, sizeof id, "img-samples-epoch-%03d", epoch);
        snprintf(alt, sizeof alt, "samples after epoch %d", epoch);
        if (grid_shown(i, n)) {
            sb_printf(&pg->html, "<figure><figcaption>epoch %d</figcaption>", epoch);
            embed_file(pg, names[i], id, alt, EPOCH_GRID_ZOOM);
            sb_puts(&pg->html, "</figure>\n");
        }
        free(names[i]);
    }
    if (n > 0)
        sb_puts(&pg->html, "</div>\n");
}
