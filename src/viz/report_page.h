/* Internal to the report: the page being built, and the sections that
 * fill it (report.c, report_run.c, report_samples.c, report_log.c,
 * report_model.c, report_attributes.c, report_analysis.c). */
#ifndef VAEVK_VIZ_REPORT_PAGE_H
#define VAEVK_VIZ_REPORT_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/train.h"
#include "viz/canvas.h"
#include "viz/strbuf.h"

typedef struct {
    strbuf html;
    strbuf list;   /* one <li> per embedded image, for the closing list */
    strbuf toc;    /* one <li> per section, for the table of contents */
    int nimages;
    const char *dir;
    vae_trainer *t;
    const vae_train_options *o;
    const vae_train_progress *p;
} report_page;

/* The pages' style sheet (report.c), shared by sweep.html. */
extern const char report_style[];

/* An <img> with id, alt and a data: URI, shown `zoom` times its size (0:
 * the largest whole zoom that fits the page), and its entry in the list of
 * images. */
void report_embed_png(report_page *pg, const char *id, const char *alt, const uint8_t *png,
                      size_t len, int width, int zoom);
/* The same for a canvas; 0 or -1 + err (out of memory). */
int report_embed_canvas(report_page *pg, const char *id, const char *alt, const viz_canvas *c,
                        int zoom, char *err, size_t errlen);

/* A section's <h2> with its id (its anchor) and its entry in the table of
 * contents; title is HTML. */
void report_heading(report_page *pg, const char *id, const char *title);
/* The whole page into `page`: the head with report_style and extra_style,
 * the title (title then the directory) as <title> and <h1>, intro (HTML)
 * as the first paragraph, the table of contents and pg's sections. 0, or
 * -1 with one line in err when memory ran out. */
int report_page_finish(report_page *pg, strbuf *page, const char *title, const char *extra_style,
                       const strbuf *intro, char *err, size_t errlen);
/* Frees the sections, image list and contents the page was built in. */
void report_page_free(report_page *pg);

/* Sections. Each appends its heading and content; what the run lacks (no
 * log yet, no dataset, no sessions.csv) becomes a line of text or nothing,
 * not an error. */
void report_run_section(report_page *pg);
void report_final_samples_section(report_page *pg);
int report_loss_section(report_page *pg, char *err, size_t errlen);
void report_epoch_samples_section(report_page *pg);
void report_config_section(report_page *pg);
int report_model_sections(report_page *pg, char *err, size_t errlen);
/* The model analysed on held-out images (report_analysis.c). */
int report_analysis_sections(report_page *pg, char *err, size_t errlen);
/* Synthetic data only: which generator attributes the top dimensions of
 * order follow, from the codes mu of faces 0..n-1 of the run's seed. */
void report_attribute_section(report_page *pg, const float *mu, int n, int L, const int *order,
                              const double *kl, int top);
// mu (n, L)

/* "12.3 images/s ..." from log.csv, for the run's table. */
void report_throughput(const char *dir, int batch, char *out, size_t outlen);

#endif
