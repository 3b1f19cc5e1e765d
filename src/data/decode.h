/* One image file to one 64x64 training image: read, checked (a JPEG, PNG
 * or BMP by its first bytes whatever its name, its structure whole:
 * image_check.h), decoded with stb_image (8 bits per channel, always 3
 * channels: grey and alpha are dropped the way stb_image drops them),
 * cropped and resized. */
#ifndef VAEVK_DATA_DECODE_H
#define VAEVK_DATA_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 with a short reason in why ("empty file", "truncated JPEG
 * (...)", "corrupt PNG (...)", "not an image (...)", "too large: 9000x9000,
 * the limit is 8192 a side", ...). */
int decode_image_file(const char *path, int crop, uint8_t *rgb, char *why, size_t whylen);
// rgb (64, 64, 3)

/* The same from bytes in memory. */
int decode_image_bytes(const uint8_t *bytes, size_t len, int crop, uint8_t *rgb, char *why,
                       size_t whylen);

#endif
