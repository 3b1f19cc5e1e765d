/* Images in and out of the model's float layout, and grids of them as PNG.
 *
 * Dimensions: n or B images, each S x S with 3 channels. The model sees
 * (B, 3, S, S) floats in [-1, 1] (NCHW); everything else here is uint8
 * (n, S, S, 3) HWC, the layout of PNG rows and of the data pipeline. */
#ifndef VAEVK_IO_IMAGE_H
#define VAEVK_IO_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Colour of the separator between grid cells and of empty cells. */
#define GRID_BORDER_R 40
#define GRID_BORDER_G 40
#define GRID_BORDER_B 44

/* x -> bytes: round((x + 1) * 127.5) to nearest (halves up), clamped to
 * [0, 255]; NaN becomes 0. */
void images_from_float(uint8_t *out, const float *x, int B, int S);
// out (B, S, S, 3), x (B, 3, S, S)

/* bytes -> x: v / 127.5 - 1, the inverse of images_from_float on bytes. */
void images_to_float(float *x, const uint8_t *in, int B, int S);
// x (B, 3, S, S), in (B, S, S, 3)

/* Size of the grid of n images, `cols` per row (rows = ceil(n / cols)):
 * width = cols * (S * scale + border) + border, height likewise with rows
 * (cols stays the width even when n < cols, so grids built row by row line
 * up).
 * Returns 0, or -1 if an argument is out of range or the grid would exceed
 * 16384 pixels a side. */
int grid_dims(int n, int S, int cols, int border, int scale, int *width, int *height);

/* Paints the grid into out, whose size grid_dims gives: each image enlarged
 * scale x by repeating pixels, `border` pixels of GRID_BORDER between and
 * around the cells, empty cells of the last row in the border colour. */
void grid_build(uint8_t *out, const uint8_t *images, int n, int S, int cols,
                int border, int scale);
// out (height, width, 3), images (n, S, S, 3)

/* PNG bytes of an RGB image, malloc'd (free them); NULL if out of memory. */
uint8_t *png_encode_rgb(const uint8_t *rgb, int width, int height, size_t *len);

/* Writes an RGB image as PNG atomically: to PATH.tmp, then renamed over
 * PATH, so an existing PATH is either replaced whole or left untouched.
 * Returns 0, or -1 with one line in err. */
int png_write_rgb(const char *path, const uint8_t *rgb, int width, int height,
                  char *err, size_t errlen);

/* The same as a JPEG of the given quality (1..100). */
int jpg_write_rgb(const char *path, const uint8_t *rgb, int width, int height, int quality,
                  char *err, size_t errlen);

/* grid_build + png_write_rgb. Returns 0, or -1 with one line in err. */
int grid_write_png(const char *path, const uint8_t *images, int n, int S, int cols,
                   int border, int scale, char *err, size_t errlen);

#endif
