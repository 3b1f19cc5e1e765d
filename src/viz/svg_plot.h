/* Inline SVG charts for the report: line plots of the training log (with a
 * shaded band for the beta ramp) and bar charts. Self-contained markup, no
 * scripts, no external references. */
#ifndef VAEVK_VIZ_SVG_PLOT_H
#define VAEVK_VIZ_SVG_PLOT_H

#include "viz/strbuf.h"

typedef struct {
    const char *name;    /* legend text */
    const char *colour;  /* CSS colour */
    const double *x, *y; /* n points; NaN (or y <= 0 on a log axis) breaks the line */
    long n;
    int markers;         /* circles instead of a line (sparse points: validation) */
} svg_series;

typedef struct {
    const char *id;         /* the <svg> element's id */
    const char *title;
    const char *x_label, *y_label;
    int log_y;
    double band_x0, band_x1; /* shaded band with band_label; none when band_x1 <= band_x0 */
    const char *band_label;
    int width, height;
} svg_plot;

/* Appends one <svg> with axes, ticks, the band, every series and a legend
 * (a dash for a line, a circle for markers).
 * Lines of more than SVG_MAX_POINTS points are drawn as the means of
 * consecutive runs of points, which also smooths per-step noise. */
#define SVG_MAX_POINTS 600
void svg_line_plot(strbuf *b, const svg_plot *p, const svg_series *s, int ns);

/* Appends an <svg> bar chart of v[order[0..n)], each bar labelled with
 * label_prefix and its index order[i] and carrying a tooltip of its value. */
void svg_bar_chart(strbuf *b, const char *id, const char *title, const char *y_label,
                   const double *v, const int *order, int n, const char *label_prefix,
                   int width, int height);

#endif
