/* An RGB picture in memory: image grids with room around them for labels,
 * written as PNG files or encoded into the report. */
#ifndef VAEVK_VIZ_CANVAS_H
#define VAEVK_VIZ_CANVAS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *rgb; // (height, width, 3)
    int width, height;
    int left, top; /* margins before the grid */
    int cell;      /* pixels from one grid cell to the next: S * scale + border */
} viz_canvas;

#define VIZ_BORDER 1 /* the thin separator between grid cells */
#define VIZ_S 64     /* image side */

/* n images of VIZ_S², `cols` per row, enlarged `scale` times (io/image.h's
 * grid), placed after a left margin and a top margin of the border colour.
 * 0, or -1 with one line in err. */
int viz_canvas_grid(viz_canvas *c, const uint8_t *images, int n, int cols, int scale, int left,
                    int top, char *err, size_t errlen);
// images (n, VIZ_S, VIZ_S, 3)
/* Top-left pixel of grid cell (row, col). */
void viz_canvas_cell(const viz_canvas *c, int row, int col, int *x, int *y);
/* Pictures side by side, tops aligned, `gap` pixels of the border colour
 * apart, each under its heading (NULL: none) in capitals from font.c at
 * `text_scale`, centred over it. Part k starts at x = the widths of the
 * parts before it + k gap, y = out->top (the heading strip; 0 when no part
 * has a heading). out is no grid: its cell is 0. 0, or -1 + err. */
int viz_canvas_beside(viz_canvas *out, const viz_canvas *parts, const char *const *headings,
                      int n, int gap, int text_scale, char *err, size_t errlen);
int viz_canvas_write_png(const viz_canvas *c, const char *path, char *err, size_t errlen);
void viz_canvas_free(viz_canvas *c);

#endif
