#include "viz/marbles.h"

#include <math.h>

enum { M_LEFT = 56, M_RIGHT = 16, M_TOP = 34, M_BOTTOM = 44 };
#define MIN_RANGE 3.5 /* the 3-sigma circle and a margin */
#define MAX_RANGE 8.0

typedef struct {
    double range; /* the plot spans -range..range on both axes */
    double x0, y0, side; /* the plot square in pixels */
} frame;

static double px(const frame *f, double v) { return f->x0 + (v + f->range) / (2 * f->range) * f->side; }
static double py(const frame *f, double v) { return f->y0 + (f->range - v) / (2 * f->range) * f->side; }

static double reach(const float *mu, const float *log_var, int n, int L, int d) {
    double r = 0;
    for (int i = 0; i < n; i++) {
        double m = mu[(size_t)i * L + d], s = exp(0.5 * log_var[(size_t)i * L + d]);
        if (isfinite(m) && isfinite(s))
            r = fmax(r, fabs(m) + s);
    }
    return r;
}

static void grid(strbuf *b, const frame *f) {
    for (int v = -(int)f->range; v <= (int)f->range; v++) {
        sb_printf(b, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s'/>", px(f, v), f->y0,
                  px(f, v), f->y0 + f->side, v == 0 ? "#bbb" : "#eee");
        sb_printf(b, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s'/>", f->x0, py(f, v),
                  f->x0 + f->side, py(f, v), v == 0 ? "#bbb" : "#eee");
        sb_printf(b, "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='11'>%d</text>",
                  px(f, v), f->y0 + f->side + 15, v);
        sb_printf(b, "<text x='%.1f' y='%.1f' text-anchor='end' font-size='11'>%d</text>",
                  f->x0 - 4, py(f, v) + 4, v);
    }
}

/* The prior's circles, each labelled where it crosses the diagonal. */
static void bell(strbuf *b, const frame *f) {
    double unit = f->side / (2 * f->range);
    for (int k = 1; k <= 3; k++) {
        sb_printf(b, "<circle cx='%.1f' cy='%.1f' r='%.1f' fill='none' stroke='#c0392b' "
                     "stroke-width='1.5' stroke-dasharray='6,4'/>", px(f, 0), py(f, 0), k * unit);
        sb_printf(b, "<text x='%.1f' y='%.1f' font-size='11' fill='#c0392b'>%d\xcf\x83</text>",
                  px(f, k * 0.7071067811865476) + 3, py(f, k * 0.7071067811865476) - 3, k);
    }
}

static void marbles(strbuf *b, const frame *f, const char *id, const float *mu,
                    const float *log_var, int n, int L, int dx, int dy) {
    double unit = f->side / (2 * f->range);
    sb_printf(b, "<clipPath id='%s-clip'><rect x='%.1f' y='%.1f' width='%.1f' height='%.1f'/>"
                 "</clipPath><g clip-path='url(#%s-clip)' fill='#3366cc' fill-opacity='0.12' "
                 "stroke='#3366cc' stroke-opacity='0.45' stroke-width='0.6'>", id, f->x0, f->y0,
              f->side, f->side, id);
    for (int i = 0; i < n; i++) {
        const float *m = mu + (size_t)i * L, *lv = log_var + (size_t)i * L;
        double rx = exp(0.5 * lv[dx]) * unit, ry = exp(0.5 * lv[dy]) * unit;
        if (isfinite(m[dx]) && isfinite(m[dy]) && isfinite(rx) && isfinite(ry))
            sb_printf(b, "<ellipse cx='%.1f' cy='%.1f' rx='%.2f' ry='%.2f'/>", px(f, m[dx]),
                      py(f, m[dy]), rx, ry);
    }
    sb_puts(b, "</g>");
}

void viz_marbles_svg(strbuf *b, const char *id, const float *mu, const float *log_var, int n,
                     int L, int dx, int dy, double kl_x, double kl_y, int size) {
    double r = fmax(reach(mu, log_var, n, L, dx), reach(mu, log_var, n, L, dy));
    frame f = {.range = fmin(fmax(MIN_RANGE, ceil(r * 2 + 0.5) / 2), MAX_RANGE),
               .x0 = M_LEFT, .y0 = M_TOP, .side = size - M_LEFT - M_RIGHT};
    if (f.side > size - M_TOP - M_BOTTOM)
        f.side = size - M_TOP - M_BOTTOM;
    int height = (int)(M_TOP + f.side + M_BOTTOM);
    sb_printf(b, "<svg id='%s' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                 "viewBox='0 0 %d %d' font-family='sans-serif' role='img'>", id, size, height, size,
              height);
    sb_printf(b, "<rect width='%d' height='%d' fill='white'/>", size, height);
    grid(b, &f);
    marbles(b, &f, id, mu, log_var, n, L, dx, dy);
    bell(b, &f);
    sb_printf(b, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#888'/>",
              f.x0, f.y0, f.side, f.side);
    sb_printf(b, "<text x='%d' y='20' font-size='14' font-weight='bold'>q(z|x) of %d images: "
                 "\xce\xbc \xc2\xb1 \xcf\x83 in z%d and z%d, over N(0, 1)</text>", M_LEFT, n, dx, dy);
    sb_printf(b, "<text x='%.1f' y='%d' text-anchor='middle' font-size='12'>z%d (KL %.2f nats)"
                 "</text>", f.x0 + f.side / 2, height - 8, dx, kl_x);
    sb_printf(b, "<text x='14' y='%.1f' font-size='12' text-anchor='middle' "
                 "transform='rotate(-90 14 %.1f)'>z%d (KL %.2f nats)</text></svg>\n",
              f.y0 + f.side / 2, f.y0 + f.side / 2, dy, kl_y);
}
