#include "viz/traverse.h"

#include <stdio.h>
#include <string.h>

#include "viz/font.h"

float viz_traverse_offset(int j, int steps, float range) {
    if (steps < 2)
        return 0.0f;
    return (float)(-range + 2.0 * range * j / (steps - 1));
}

void viz_traverse_latents(float *z, const float *base, const int *dims, int rows, int steps,
                          float range, int L) {
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < steps; j++) {
            float *row = z + ((size_t)r * steps + j) * L;
            memcpy(row, base, (size_t)L * sizeof *row);
            row[dims[r]] = base[dims[r]] + viz_traverse_offset(j, steps, range);
        }
    }
}

/* Short enough for the margin: 3 significant figures, at most 6 characters. */
static void format_kl(char *out, size_t n, double kl) {
    if (kl < 9.995)
        snprintf(out, n, "KL %.2f", kl);
    else if (kl < 99.95)
        snprintf(out, n, "KL %.1f", kl);
    else
        snprintf(out, n, "KL %.0f", kl);
}

int viz_traverse_canvas(viz_canvas *c, const uint8_t *images, const int *dims, const double *kl,
                        int rows, int steps, float range, int scale, char *err, size_t errlen) {
    if (viz_canvas_grid(c, images, rows * steps, steps, scale, VIZ_TRAVERSE_LEFT * scale,
                        VIZ_TRAVERSE_TOP * scale, err, errlen) != 0)
        return -1;
    static const uint8_t ink[3] = {225, 225, 225};
    const int half = (VIZ_S * scale) / 2, line = (FONT_H + 3) * scale;
    char text[32];
    for (int r = 0; r < rows; r++) {
        int x, y;
        viz_canvas_cell(c, r, 0, &x, &y);
        snprintf(text, sizeof text, "z%d", dims[r]);
        font_draw(c->rgb, c->width, c->height, 3 * scale, y + half - line, text, scale, ink);
        if (kl) {
            format_kl(text, sizeof text, kl[dims[r]]);
            font_draw(c->rgb, c->width, c->height, 3 * scale, y + half + 2 * scale, text, scale, ink);
        }
    }
    for (int j = 0; j < steps; j++) {
        int x, y;
        viz_canvas_cell(c, 0, j, &x, &y);
        float v = viz_traverse_offset(j, steps, range);
        snprintf(text, sizeof text, v == 0.0f ? "0" : "%+.1f", (double)v);
        int w = font_text_width(text, scale);
        font_draw(c->rgb, c->width, c->height, x + half - w / 2, 3 * scale, text, scale, ink);
    }
    return 0;
}
