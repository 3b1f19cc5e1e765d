/* The face crop and the area-averaging resize that turn an image of any
 * size into the model's 64x64 input. */
#ifndef VAEVK_DATA_RESIZE_H
#define VAEVK_DATA_RESIZE_H

#include <stdint.h>

/* The centred square a crop setting takes from a w x h image: its side and
 * top-left corner (offsets round down when w - side or h - side is odd).
 * crop: VAE_CROP_AUTO (148 for CelebA's 178x218, else as VAE_CROP_SQUARE),
 * VAE_CROP_SQUARE (the largest centred square) or a side in pixels, which
 * is clamped to the largest square the image holds. */
void crop_square(int w, int h, int crop, int *side, int *x0, int *y0);

/* Resizes the side x side square at (x0, y0) of src to S x S by exact area
 * averaging: output pixel (i, j) is the mean of the source square
 * [j, j+1) x [i, i+1) scaled by side/S, each source pixel weighted by the
 * area it shares with it, computed in integers and rounded half up. Works
 * for shrinking and enlarging. 0, or -1 when out of memory. */
int area_resize(uint8_t *out, int S, const uint8_t *src, int w, int x0, int y0, int side);
// out (S, S, 3), src (h, w, 3) with h >= y0 + side

#endif
