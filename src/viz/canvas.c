#include "viz/canvas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/image.h"

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
    for (size_t p = 0; p < (size_t)c->width * c->height; p++) {
        c->rgb[3 * p] = GRID_BORDER_R;
        c->rgb[3 * p + 1] = GRID_BORDER_G;
        c->rgb[3 * p + 2] = GRID_BORDER_B;
    }
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

int viz_canvas_write_png(const viz_canvas *c, const char *path, char *err, size_t errlen) {
    return png_write_rgb(path, c->rgb, c->width, c->height, err, errlen);
}

void viz_canvas_free(viz_canvas *c) {
    free(c->rgb);
    memset(c, 0, sizeof *c);
}
