/* See decode.h. stb_image rejects truncated PNG and JPEG data itself, but
 * reads a truncated BMP as if the missing rows were black, and a JPEG cut
 * just before its end marker can decode whole; both are checked here from
 * the file's own structure before decoding. */
#include "data/decode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/resize.h"
#include "stb_image.h"
#include "vaevk/dataset.h"

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

/* A JPEG is whole when an end-of-image marker (FF D9) follows its last
 * start-of-scan (FF DA). Scanned from the end: a complete file meets its
 * end marker at once; entropy-coded data never holds FF D9 or FF DA. */
static int jpeg_complete(const uint8_t *b, size_t len) {
    for (size_t i = len - 1; i > 0; i--) {
        if (b[i - 1] != 0xff)
            continue;
        if (b[i] == 0xd9)
            return 1;
        if (b[i] == 0xda)
            return 0;
    }
    return 0;
}

/* An uncompressed BMP needs offset + rows * padded stride bytes. */
static int bmp_complete(const uint8_t *b, size_t len) {
    if (len < 30)
        return 0;
    uint32_t offset = le32(b + 10), header = le32(b + 14);
    int64_t w, h, bpp, compression = 0;
    if (header == 12) { /* OS/2 */
        w = le16(b + 18), h = le16(b + 20), bpp = le16(b + 24);
    } else {
        if (len < 34)
            return 0;
        w = (int32_t)le32(b + 18), h = (int32_t)le32(b + 22), bpp = le16(b + 28);
        compression = le32(b + 30);
    }
    if (compression != 0 && compression != 3)
        return 1; /* run-length and the rest: stb_image refuses them itself */
    if (h < 0)
        h = -h; /* top-down rows */
    int64_t stride = (w * bpp + 31) / 32 * 4;
    return (int64_t)offset + stride * h <= (int64_t)len;
}

static int fail(char *why, size_t whylen, const char *reason) {
    snprintf(why, whylen, "%s", reason);
    return -1;
}

int decode_image_bytes(const uint8_t *bytes, size_t len, int crop, uint8_t *rgb, char *why,
                       size_t whylen) {
    if (len == 0)
        return fail(why, whylen, "empty file");
    int w, h, comp;
    if (len > 0x7fffffff || !stbi_info_from_memory(bytes, (int)len, &w, &h, &comp))
        return fail(why, whylen, "not an image stb_image can read");
    if (w > VAE_MAX_IMAGE_SIDE || h > VAE_MAX_IMAGE_SIDE) {
        snprintf(why, whylen, "too large: %dx%d, the limit is %d a side", w, h, VAE_MAX_IMAGE_SIDE);
        return -1;
    }
    if (len >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && !jpeg_complete(bytes, len))
        return fail(why, whylen, "truncated JPEG (no end-of-image marker after its last scan)");
    if (len >= 2 && bytes[0] == 'B' && bytes[1] == 'M' && !bmp_complete(bytes, len))
        return fail(why, whylen, "truncated BMP (fewer bytes than its rows need)");
    uint8_t *pixels = stbi_load_from_memory(bytes, (int)len, &w, &h, &comp, 3);
    if (!pixels) {
        const char *reason = stbi_failure_reason();
        snprintf(why, whylen, "corrupt or truncated [stb_image: %s]",
                 reason ? reason : "no reason given");
        return -1;
    }
    int side, x0, y0;
    crop_square(w, h, crop, &side, &x0, &y0);
    int status = area_resize(rgb, VAE_DATA_SIDE, pixels, w, x0, y0, side);
    stbi_image_free(pixels);
    return status == 0 ? 0 : fail(why, whylen, "out of memory resizing");
}

/* The whole file in a malloc'd buffer, or NULL with the reason in why. */
static uint8_t *read_whole(const char *path, size_t *len, char *why, size_t whylen) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(why, whylen, "unreadable (%s)", strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    uint8_t *bytes = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    if (!bytes) {
        fclose(f);
        fail(why, whylen, "out of memory reading it");
        return NULL;
    }
    *len = fread(bytes, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        snprintf(why, whylen, "unreadable (%s)", strerror(errno));
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    return bytes;
}

int decode_image_file(const char *path, int crop, uint8_t *rgb, char *why, size_t whylen) {
    size_t len = 0;
    uint8_t *bytes = read_whole(path, &len, why, whylen);
    if (!bytes)
        return -1;
    int status = decode_image_bytes(bytes, len, crop, rgb, why, whylen);
    free(bytes);
    return status;
}
