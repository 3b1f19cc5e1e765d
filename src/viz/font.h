/* A tiny 5x7 bitmap font for labels drawn into PNGs: digits, capitals, a
 * lowercase z (latent dimensions) and . - + : = / %. Lowercase letters other
 * than z are drawn as capitals; anything else is a blank cell. */
#ifndef VAEVK_VIZ_FONT_H
#define VAEVK_VIZ_FONT_H

#include <stdint.h>

#define FONT_W 5
#define FONT_H 7
#define FONT_ADVANCE 6 /* glyph plus one column of space */

/* 1 if c has a glyph of its own (not a blank cell). */
int font_has_glyph(char c);
/* Whether pixel (row, col) of c's glyph is ink; 0 outside the 5x7 cell. */
int font_pixel(char c, int row, int col);
/* Width in pixels of text drawn at `scale` (no trailing space). */
int font_text_width(const char *text, int scale);
/* Draws text with its top-left corner at (x, y), each font pixel a
 * scale x scale block, clipped to the image. */
void font_draw(uint8_t *rgb, int width, int height, int x, int y, const char *text, int scale,
               const uint8_t colour[3]);
// rgb (height, width, 3)

#endif
