/* The report page: its frame and table of contents, the embedded images
 * and their list, the configuration, and the atomic write. */
#include "viz/report.h"
#include "vaevk/train_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file_write.h"
#include "io/image.h"
#include "vaevk/model.h"
#include "viz/report_page.h"

#define PAGE_WIDTH 1100 /* the body's max-width in the style below */

#ifndef VAEVK_VERSION
#define VAEVK_VERSION "dev"
#endif

void report_embed_png(report_page *pg, const char *id, const char *alt, const uint8_t *png,
                      size_t len, int width, int zoom) {
    if (zoom < 1) /* fit: the largest whole zoom (at most 3) within the page */
        zoom = width < PAGE_WIDTH / 3 ? 3 : width > PAGE_WIDTH ? 1 : PAGE_WIDTH / width;
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

void report_heading(report_page *pg, const char *id, const char *title) {
    sb_printf(&pg->html, "<h2 id='%s'>%s</h2>\n", id, title);
    sb_printf(&pg->toc, "<li><a href='#%s'>%s</a></li>\n", id, title);
}

static void row(strbuf *b, const char *name, const char *value) {
    sb_printf(b, "<tr><th>%s</th><td>", name);
    sb_escape(b, value);
    sb_puts(b, "</td></tr>\n");
}

void report_config_section(report_page *pg) {
    const vae_train_options *o = pg->o;
    char v[700];
    strbuf *b = &pg->html;
    report_heading(pg, "config", "Configuration");
    sb_puts(b, "<table>\n");
    /* every training option, from the one table; one whose 0 means "none"
     * (the step cap) only when it was set */
    for (int i = 0; i < vae_train_option_count; i++) {
        const vae_train_option *opt = &vae_train_option_table[i];
        vae_train_option_format(opt, o, v, sizeof v);
        if (opt->zero && strcmp(v, "0") == 0)
            continue;
        if (opt->type == VAE_OPTION_FLIP)
            snprintf(v, sizeof v, "%s", o->flip ? "yes" : "no");
        row(b, opt->label, v);
    }
    snprintf(v, sizeof v, "%u", pg->t->lay.table.count); row(b, "parameters", v);
    row(b, "pictures drawn on", pg->t->be->name);
    sb_puts(b, "</table>\n");
}

const char report_style[] =
    "body{font-family:sans-serif;margin:24px;max-width:1100px;" /* PAGE_WIDTH */
    "color:#222;background:#fafafa}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}"
    "img{image-rendering:pixelated;display:block;margin:6px 0;max-width:100%;height:auto}"
    "table{border-collapse:collapse}th,td{text-align:left;padding:2px 12px 2px 0}"
    "th{font-weight:normal;color:#555}.row{display:flex;flex-wrap:wrap;gap:12px}"
    "figure{margin:0}figcaption{font-size:12px;color:#555}svg{display:block;margin:8px 0}"
    "table.grid td,table.grid th{border:1px solid #ddd;padding:2px 8px}";

/* The page in reading order; the table of contents, known only once every
 * section is in, goes after the title. */
static int build(report_page *pg, strbuf *page, char *err, size_t errlen) {
    report_run_section(pg);
    report_final_samples_section(pg);
    if (report_loss_section(pg, err, errlen) != 0)
        return -1;
    report_epoch_samples_section(pg);
    if (report_model_sections(pg, err, errlen) != 0 || report_analysis_sections(pg, err, errlen) != 0)
        return -1;
    report_config_section(pg);
    report_heading(pg, "images", "Images in this report");
    sb_printf(&pg->html, "<ul id='image-list'>\n%s</ul>\n", pg->list.data ? pg->list.data : "");

    strbuf intro = {0};
    sb_printf(&intro, "Written by vae-vk %s after step %ld.", VAEVK_VERSION, pg->p->step);
    int status = report_page_finish(pg, page, "vae-vk run report: ", "", &intro, err, errlen);
    sb_free(&intro);
    return status;
}

void report_page_free(report_page *pg) {
    sb_free(&pg->html);
    sb_free(&pg->list);
    sb_free(&pg->toc);
}

int report_page_finish(report_page *pg, strbuf *page, const char *title, const char *extra_style,
                       const strbuf *intro, char *err, size_t errlen) {
    sb_puts(page, "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n<title>");
    sb_escape(page, title);
    sb_escape(page, pg->dir);
    sb_printf(page, "</title>\n<style>%s%s</style>\n</head>\n<body>\n<h1>", report_style, extra_style);
    sb_escape(page, title);
    sb_escape(page, pg->dir);
    sb_printf(page, "</h1>\n<p>%s</p>\n<nav id='contents'><b>Contents</b>\n<ol>\n%s</ol>\n</nav>\n",
              intro->data ? intro->data : "", pg->toc.data ? pg->toc.data : "");
    sb_append(page, pg->html.data ? pg->html.data : "", pg->html.len);
    sb_puts(page, "</body>\n</html>\n");
    if (page->failed || intro->failed || pg->html.failed || pg->list.failed || pg->toc.failed) {
        snprintf(err, errlen, "out of memory building %s%s", title, pg->dir);
        return -1;
    }
    return 0;
}

int viz_report_write(const char *dir, vae_trainer *t, const vae_train_options *o,
                     const vae_train_progress *p, char *err, size_t errlen) {
    report_page pg = {.dir = dir, .t = t, .o = o, .p = p};
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, REPORT_FILE);
    strbuf page = {0};
    int status = build(&pg, &page, err, errlen);
    if (status == 0)
        status = file_write_atomic(path, page.data, page.len, err, errlen);
    sb_free(&page);
    report_page_free(&pg);
    return status;
}
