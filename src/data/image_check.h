/* What an image file must be before stb_image may decode it: a JPEG, PNG
 * or BMP by its first bytes (never by its name), whose structure is
 * checked from the formats' own rules. stb_image (Debian's 2022 snapshot)
 * writes past a 257-byte table on a JPEG Huffman table whose code counts
 * sum to more than 256, reads tables a file never defined, overflows its
 * DC sums on hostile data and decodes any other format it knows whatever
 * the file is called; none of that reaches it from here.
 *
 * Each check reads only the bytes it is given (nothing past len) and
 * returns 0 with the image's size, or -1 with a short reason in why:
 * "corrupt JPEG (...)", "truncated PNG (...)", "not an image (...)". */
#ifndef VAEVK_DATA_IMAGE_CHECK_H
#define VAEVK_DATA_IMAGE_CHECK_H

#include <stddef.h>
#include <stdint.h>

typedef enum { IMAGE_UNKNOWN, IMAGE_JPEG, IMAGE_PNG, IMAGE_BMP } image_format;

/* Any image by its signature; refuses too large images (over
 * VAE_MAX_IMAGE_SIDE a side) from the header, before anything is decoded. */
int image_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen);

/* The formats one by one (the signature already matched). */
int jpeg_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen);
int png_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen);
int bmp_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen);

/* -1 with "too large: WxH, the limit is N a side" when a side is over the
 * limit (or not positive: "corrupt FORMAT (...)"), else 0. */
int image_check_side(const char *format, int64_t w, int64_t h, char *why, size_t whylen);

/* CRC-32 as PNG defines it (polynomial 0xedb88320, reflected, starting
 * and ending with all ones), over a chunk's type and data. */
uint32_t png_crc32(const uint8_t *p, size_t n);

/* Formats a reason into why and returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int image_fail(char *why, size_t whylen, const char *fmt, ...);

#endif
