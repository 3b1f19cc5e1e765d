#include "viz/svg_plot.h"

#include <math.h>
#include <stdio.h>

enum { M_LEFT = 72, M_RIGHT = 16, M_TOP = 34, M_BOTTOM = 44 };

typedef struct {
    double x0, x1, y0, y1; /* data range (y in log10 on a log axis) */
    int log_y, width, height;
} frame;

static double px_x(const frame *f, double x) {
    return M_LEFT + (x - f->x0) / (f->x1 - f->x0) * (f->width - M_LEFT - M_RIGHT);
}

static double px_y(const frame *f, double y) {
    double v = f->log_y ? log10(y) : y;
    return f->height - M_BOTTOM - (v - f->y0) / (f->y1 - f->y0) * (f->height - M_TOP - M_BOTTOM);
}

static int usable(const frame *f, double x, double y) {
    return isfinite(x) && isfinite(y) && (!f->log_y || y > 0);
}

/* 1, 2 or 5 times a power of ten, about span / target. */
static double nice_step(double span, int target) {
    double raw = span / target, p = pow(10, floor(log10(raw))), q = raw / p;
    return (q < 1.5 ? 1 : q < 3.5 ? 2 : q < 7.5 ? 5 : 10) * p;
}

static void fit_range(frame *f, const svg_series *s, int ns) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int k = 0; k < ns; k++)
        for (long i = 0; i < s[k].n; i++) {
            if (!usable(f, s[k].x[i], s[k].y[i])) continue;
            double y = f->log_y ? log10(s[k].y[i]) : s[k].y[i];
            x0 = fmin(x0, s[k].x[i]); x1 = fmax(x1, s[k].x[i]);
            y0 = fmin(y0, y); y1 = fmax(y1, y);
        }
    if (!(x0 <= x1)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    if (x1 - x0 < 1e-12) x1 = x0 + 1;
    if (!f->log_y && y0 > 0 && y0 < 0.5 * y1) y0 = 0; /* linear axes start at 0 when near */
    double pad = y1 - y0 > 1e-12 ? 0.04 * (y1 - y0) : 0.5;
    f->x0 = x0; f->x1 = x1; f->y0 = y0 - (f->log_y || y0 < 0 ? pad : 0); f->y1 = y1 + pad;
}

static void tick(strbuf *b, const frame *f, double y_data, double shown) {
    double y = px_y(f, y_data);
    sb_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>", M_LEFT, y,
              f->width - M_RIGHT, y);
    sb_printf(b, "<text x='%d' y='%.1f' text-anchor='end' font-size='11'>%g</text>", M_LEFT - 4,
              y + 4, shown);
}

static void axes(strbuf *b, const frame *f, const svg_plot *p) {
    if (f->log_y) {
        int decades = (int)ceil(f->y1) - (int)floor(f->y0);
        for (int e = (int)floor(f->y0); e <= (int)ceil(f->y1); e++)
            for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) { /* 1, 2, 5 */
                double v = m * pow(10, e);
                if ((m == 1 || decades <= 3) && log10(v) >= f->y0 && log10(v) <= f->y1)
                    tick(b, f, v, v);
            }
    } else {
        double st = nice_step(f->y1 - f->y0, 5);
        for (double v = ceil(f->y0 / st) * st; v <= f->y1 + 1e-9 * st; v += st)
            tick(b, f, v, fabs(v) < 1e-9 * st ? 0 : v);
    }
    double st = nice_step(f->x1 - f->x0, 8);
    for (double v = ceil(f->x0 / st) * st; v <= f->x1 + 1e-9 * st; v += st)
        sb_printf(b, "<text x='%.1f' y='%d' text-anchor='middle' font-size='11'>%g</text>",
                  px_x(f, v), f->height - M_BOTTOM + 15, v);
    sb_printf(b, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#888'/>", M_LEFT,
              M_TOP, f->width - M_LEFT - M_RIGHT, f->height - M_TOP - M_BOTTOM);
    sb_printf(b, "<text x='%d' y='20' font-size='14' font-weight='bold'>", M_LEFT);
    sb_escape(b, p->title);
    sb_printf(b, "</text><text x='%.1f' y='%d' text-anchor='middle' font-size='12'>",
              (M_LEFT + f->width - M_RIGHT) / 2.0, f->height - 8);
    sb_escape(b, p->x_label);
    sb_printf(b, "</text><text x='14' y='%.1f' font-size='12' text-anchor='middle' "
                 "transform='rotate(-90 14 %.1f)'>", f->height / 2.0, f->height / 2.0);
    sb_escape(b, p->y_label);
    sb_puts(b, "</text>");
}

static void band(strbuf *b, const frame *f, const svg_plot *p) {
    if (!(p->band_x1 > p->band_x0))
        return;
    double a = px_x(f, fmax(p->band_x0, f->x0)), z = px_x(f, fmin(p->band_x1, f->x1));
    if (z <= a)
        return;
    sb_printf(b, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='#f5d76e' "
                 "fill-opacity='0.3'/>", a, M_TOP, z - a, f->height - M_TOP - M_BOTTOM);
    sb_printf(b, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#c9a227' "
                 "stroke-dasharray='5,3'/>", z, M_TOP, z, f->height - M_BOTTOM);
    sb_printf(b, "<text x='%.1f' y='%d' font-size='11' fill='#8a6d0b'>", a + 4, M_TOP + 13);
    sb_escape(b, p->band_label ? p->band_label : "");
    sb_puts(b, "</text>");
}

/* Means of runs of `run` consecutive points, so long logs stay light. */
static void line(strbuf *b, const frame *f, const svg_series *s) {
    long run = (s->n + SVG_MAX_POINTS - 1) / SVG_MAX_POINTS;
    int pen_down = 0;
    sb_printf(b, "<path fill='none' stroke='%s' stroke-width='1.5' d='", s->colour);
    for (long i = 0; i < s->n; i += run) {
        double sx = 0, sy = 0;
        long k = 0;
        for (long j = i; j < i + run && j < s->n; j++)
            if (usable(f, s->x[j], s->y[j])) { sx += s->x[j]; sy += s->y[j]; k++; }
        if (k == 0) { pen_down = 0; continue; }
        sb_printf(b, "%c%.1f %.1f ", pen_down ? 'L' : 'M', px_x(f, sx / k), px_y(f, sy / k));
        pen_down = 1;
    }
    sb_puts(b, "'/>");
}

static void markers(strbuf *b, const frame *f, const svg_series *s) {
    for (long i = 0; i < s->n; i++)
        if (usable(f, s->x[i], s->y[i]))
            sb_printf(b, "<circle cx='%.1f' cy='%.1f' r='3.5' fill='white' stroke='%s' "
                         "stroke-width='2'><title>%g</title></circle>",
                      px_x(f, s->x[i]), px_y(f, s->y[i]), s->colour, s->y[i]);
}

void svg_line_plot(strbuf *b, const svg_plot *p, const svg_series *s, int ns) {
    frame f = {.log_y = p->log_y, .width = p->width, .height = p->height};
    fit_range(&f, s, ns);
    sb_printf(b, "<svg id='%s' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                 "viewBox='0 0 %d %d' font-family='sans-serif' role='img'>",
              p->id, p->width, p->height, p->width, p->height);
    sb_printf(b, "<rect width='%d' height='%d' fill='white'/>", p->width, p->height);
    band(b, &f, p);
    axes(b, &f, p);
    for (int k = 0; k < ns; k++) {
        if (s[k].markers) markers(b, &f, &s[k]);
        else line(b, &f, &s[k]);
        /* the legend draws each series the way the plot does: a dash or a circle */
        double lx = p->width - M_RIGHT - 180.0, ly = M_TOP + 14.0 + 16 * k;
        if (s[k].markers)
            sb_printf(b, "<circle cx='%.0f' cy='%.0f' r='3.5' fill='white' stroke='%s' "
                         "stroke-width='2'/>", lx + 7, ly - 2, s[k].colour);
        else
            sb_printf(b, "<rect x='%.0f' y='%.0f' width='14' height='4' fill='%s'/>", lx, ly - 4,
                      s[k].colour);
        sb_printf(b, "<text x='%.0f' y='%.0f' font-size='12'>", lx + 20, ly + 1);
        sb_escape(b, s[k].name);
        sb_puts(b, "</text>");
    }
    sb_puts(b, "</svg>\n");
}

void svg_bar_chart(strbuf *b, const char *id, const char *title, const char *y_label,
                   const double *v, const int *order, int n, const char *label_prefix,
                   int width, int height) {
    frame f = {.x0 = 0, .x1 = n > 0 ? n : 1, .y0 = 0, .y1 = 0, .width = width, .height = height};
    for (int i = 0; i < n; i++)
        f.y1 = fmax(f.y1, v[order[i]]);
    f.y1 = f.y1 > 0 ? f.y1 * 1.05 : 1;
    sb_printf(b, "<svg id='%s' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                 "viewBox='0 0 %d %d' font-family='sans-serif' role='img'>",
              id, width, height, width, height);
    sb_printf(b, "<rect width='%d' height='%d' fill='white'/>", width, height);
    /* the bars' labels stand in for x axis numbers: ticks on y only */
    double st = nice_step(f.y1, 5);
    for (double y = 0; y <= f.y1 + 1e-9 * st; y += st)
        tick(b, &f, y, y);
    double slot = (double)(width - M_LEFT - M_RIGHT) / (n > 0 ? n : 1);
    int font = slot >= 14 ? 10 : slot >= 8 ? 8 : 6;
    for (int i = 0; i < n; i++) {
        int d = order[i];
        double x = M_LEFT + i * slot, top = px_y(&f, fmax(v[d], 0));
        sb_printf(b, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#3366cc'>"
                     "<title>%s%d: %.4g</title></rect>", x + 0.15 * slot, top, 0.7 * slot,
                  height - M_BOTTOM - top, label_prefix, d, v[d]);
        double cx = x + slot / 2, ty = height - M_BOTTOM + 6;
        sb_printf(b, "<text x='%.1f' y='%.1f' font-size='%d' text-anchor='end' "
                     "transform='rotate(-90 %.1f %.1f)'>%s%d</text>", cx + font / 3.0, ty, font,
                  cx + font / 3.0, ty, label_prefix, d);
    }
    sb_printf(b, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#888'/>", M_LEFT,
              M_TOP, width - M_LEFT - M_RIGHT, height - M_TOP - M_BOTTOM);
    sb_printf(b, "<text x='%d' y='20' font-size='14' font-weight='bold'>", M_LEFT);
    sb_escape(b, title);
    sb_printf(b, "</text><text x='14' y='%.1f' font-size='12' text-anchor='middle' "
                 "transform='rotate(-90 14 %.1f)'>", height / 2.0, height / 2.0);
    sb_escape(b, y_label);
    sb_puts(b, "</text></svg>\n");
}
