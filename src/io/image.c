/* Float <-> byte images, image grids, and atomic PNG writing. */
#include "io/image.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file_write.h"
#include "stb_image_write.h"

#define GRID_MAX_SIDE 16384

void images_from_float(uint8_t *out, const float *x, int B, int S) {
    size_t plane = (size_t)S * S;
    for (int b = 0; b < B; b++) {
        for (size_t p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = (x[((size_t)b * 3 + c) * plane + p] + 1.0f) * 127.5f;
                if (!(v > 0.0f)) v = 0.0f; /* also catches NaN */
                if (v > 255.0f) v = 255.0f;
                out[((size_t)b * plane + p) * 3 + c] = (uint8_t)floorf(v + 0.5f);
            }
        }
    }
}

void images_to_float(float *x, const uint8_t *in, int B, int S) {
    size_t plane = (size_t)S * S;
    for (int b = 0; b < B; b++)
        for (size_t p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                x[((size_t)b * 3 + c) * plane + p] =
                    (float)in[((size_t)b * plane + p) * 3 + c] / 127.5f - 1.0f;
}

int grid_dims(int n, int S, int cols, int border, int scale, int *width, int *height) {
    if (n < 1 || S < 1 || cols < 1 || border < 0 || scale < 1) return -1;
    if (S > GRID_MAX_SIDE || scale > GRID_MAX_SIDE || border > GRID_MAX_SIDE) return -1;
    long long rows = (n + cols - 1) / cols;
    long long cell = (long long)S * scale + border;
    long long w = cols * cell + border, h = rows * cell + border;
    if (w > GRID_MAX_SIDE || h > GRID_MAX_SIDE) return -1;
    *width = (int)w;
    *height = (int)h;
    return 0;
}

void grid_build(uint8_t *out, const uint8_t *images, int n, int S, int cols,
                int border, int scale) {
    int width, height;
    if (grid_dims(n, S, cols, border, scale, &width, &height)) return;
    for (size_t p = 0; p < (size_t)width * height; p++) {
        out[3 * p] = GRID_BORDER_R;
        out[3 * p + 1] = GRID_BORDER_G;
        out[3 * p + 2] = GRID_BORDER_B;
    }
    int cell = S * scale + border;
    for (int k = 0; k < n; k++) {
        const uint8_t *img = images + (size_t)k * S * S * 3;
        int x0 = border + (k % cols) * cell, y0 = border + (k / cols) * cell;
        for (int y = 0; y < S * scale; y++) {
            uint8_t *row = out + ((size_t)(y0 + y) * width + x0) * 3;
            const uint8_t *src = img + (size_t)(y / scale) * S * 3;
            for (int x = 0; x < S * scale; x++)
                memcpy(row + 3 * x, src + 3 * (x / scale), 3);
        }
    }
}

typedef struct { uint8_t *data; size_t len, cap; int failed; } byte_buffer;

static void buffer_append(void *context, void *data, int size) {
    byte_buffer *b = context;
    if (b->failed || size <= 0) return;
    if (b->len + (size_t)size > b->cap) {
        size_t cap = 2 * (b->len + (size_t)size);
        uint8_t *grown = realloc(b->data, cap);
        if (!grown) { b->failed = 1; return; }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, (size_t)size);
    b->len += (size_t)size;
}

uint8_t *png_encode_rgb(const uint8_t *rgb, int width, int height, size_t *len) {
    byte_buffer b = {0};
    int ok = stbi_write_png_to_func(buffer_append, &b, width, height, 3, rgb, width * 3);
    if (!ok || b.failed) { free(b.data); return NULL; }
    *len = b.len;
    return b.data;
}

int jpg_write_rgb(const char *path, const uint8_t *rgb, int width, int height, int quality,
                  char *err, size_t errlen) {
    byte_buffer b = {0};
    if (!stbi_write_jpg_to_func(buffer_append, &b, width, height, 3, rgb, quality) || b.failed) {
        free(b.data);
        snprintf(err, errlen, "cannot write %s: out of memory encoding a %dx%d JPEG", path, width, height);
        return -1;
    }
    int rc = file_write_atomic(path, b.data, b.len, err, errlen);
    free(b.data);
    return rc;
}

int png_write_rgb(const char *path, const uint8_t *rgb, int width, int height,
                  char *err, size_t errlen) {
    size_t len;
    uint8_t *png = png_encode_rgb(rgb, width, height, &len);
    if (!png) {
        snprintf(err, errlen, "cannot write %s: out of memory encoding a %dx%d PNG", path, width, height);
        return -1;
    }
    int rc = file_write_atomic(path, png, len, err, errlen);
    free(png);
    return rc;
}

int grid_write_png(const char *path, const uint8_t *images, int n, int S, int cols,
                   int border, int scale, char *err, size_t errlen) {
    int width, height;
    if (grid_dims(n, S, cols, border, scale, &width, &height)) {
        if (n < 1 || S < 1 || cols < 1 || border < 0 || scale < 1)
            snprintf(err, errlen, "cannot write %s: invalid grid (%d images of %dx%d, %d per row, "
                     "border %d, scale %d)", path, n, S, S, cols, border, scale);
        else
            snprintf(err, errlen, "cannot write %s: the grid would exceed %d pixels a side; "
                     "use fewer images or a smaller scale", path, GRID_MAX_SIDE);
        return -1;
    }
    uint8_t *pixels = malloc((size_t)width * height * 3);
    if (!pixels) {
        snprintf(err, errlen, "cannot write %s: out of memory for a %dx%d grid", path, width, height);
        return -1;
    }
    grid_build(pixels, images, n, S, cols, border, scale);
    int rc = png_write_rgb(path, pixels, width, height, err, errlen);
    free(pixels);
    return rc;
}
