#include "viz/canvas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/image.h"
#include "viz/font.h"

static void fill_border(viz_canvas *c) {
    for (size_t p = 0; p < (size_t)c->width * c->height; p++) {
        c->rgb[3 * p] = GRID_BORDER_R;
        c->rgb[3 * p + 1] = GRID_BORDER_G;
        c->rgb[3 * p + 2] = GRID_BORDER_B;
    }
}

int viz_canvas_grid(viz_canvas *c, const uint8_t *images, int n, int cols, int scale, int left,
                    int top, char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    int gw, gh;
    if (grid_dims(n, VIZ_S, cols, VIZ_BORDER, scale, &gw, &gh) != 0) {
        snprintf(err, errlen, "a grid of %d images, %d per row, at scale %d is too large (over "
                 "16384 pixels a side): use fewer images or a smaller --scale", n, cols, scale);
        return -1;
    }
    uint8_t *grid = malloc((size_t)gw * gh * 3);
    c->width = left + gw;
    c->height = top + gh;
    c->rgb = malloc((size_t)c->width * c->height * 3);
    if (!grid || !c->rgb) {
        free(grid);
        viz_canvas_free(c);
        snprintf(err, errlen, "out of memory for a %dx%d picture", left + gw, top + gh);
        return -1;
    }
    grid_build(grid, images, n, VIZ_S, cols, VIZ_BORDER, scale);
    fill_border(c);
    for (int y = 0; y < gh; y++)
        memcpy(c->rgb + ((size_t)(top + y) * c->width + left) * 3, grid + (size_t)y * gw * 3,
               (size_t)gw * 3);
    free(grid);
    c->left = left;
    c->top = top;
    c->cell = VIZ_S * scale + VIZ_BORDER;
    return 0;
}

void viz_canvas_cell(const viz_canvas *c, int row, int col, int *x, int *y) {
    *x = c->left + VIZ_BORDER + col * c->cell;
    *y = c->top + VIZ_BORDER + row * c->cell;
}

int viz_canvas_beside(viz_canvas *out, const viz_canvas *parts, const char *const *headings,
                      int n, int gap, int text_scale, char *err, size_t errlen) {
    static const uint8_t ink[3] = {225, 225, 225}; /* as the traversal's labels */
    memset(out, 0, sizeof *out);
    int width = gap * (n - 1), height = 0;
    for (int k = 0; k < n; k++) {
        width += parts[k].width;
        height = parts[k].height > height ? parts[k].height : height;
        if (headings[k])
            out->top = (FONT_H + 6) * text_scale;
    }
    out->width = width;
    out->height = out->top + height;
    out->rgb = malloc((size_t)out->width * out->height * 3);
    if (!out->rgb) {
        snprintf(err, errlen, "out of memory for a %dx%d picture", out->width, out->height);
        return -1;
    }
    fill_border(out);
    for (int k = 0, x = 0; k < n; x += parts[k].width + gap, k++) {
        for (int y = 0; y < parts[k].height; y++)
            memcpy(out->rgb + ((size_t)(out->top + y) * out->width + x) * 3,
                   parts[k].rgb + (size_t)y * parts[k].width * 3, (size_t)parts[k].width * 3);
        if (headings[k])
            font_draw(out->rgb, out->width, out->height,
                      x + (parts[k].width - font_text_width(headings[k], text_scale)) / 2,
                      3 * text_scale, headings[k], text_scale, ink);
    }
    return 0;
}

int viz_canvas_write_png(const viz_canvas *c, const char *path, char *err, size_t errlen) {
    return png_write_rgb(path, c->rgb, c->width, c->height, err, errlen);
}

void viz_canvas_free(viz_canvas *c) {
    free(c->rgb);
    memset(c, 0, sizeof *c);
}
