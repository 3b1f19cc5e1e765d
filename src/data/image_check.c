/* See image_check.h: the signature decides the format, then the format's
 * own check. */
#include "data/image_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vaevk/dataset.h"

int image_fail(char *why, size_t whylen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

int image_check_side(const char *format, int64_t w, int64_t h, char *why, size_t whylen) {
    if (w < 1 || h < 1)
        return image_fail(why, whylen, "corrupt %s (its header says %lldx%lld pixels)", format,
                          (long long)w, (long long)h);
    if (w > VAE_MAX_IMAGE_SIDE || h > VAE_MAX_IMAGE_SIDE)
        return image_fail(why, whylen, "too large: %lldx%lld, the limit is %d a side",
                          (long long)w, (long long)h, VAE_MAX_IMAGE_SIDE);
    return 0;
}

static image_format sniff(const uint8_t *b, size_t len) {
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return IMAGE_JPEG;
    if (len >= 8 && memcmp(b, png, 8) == 0)
        return IMAGE_PNG;
    if (len >= 2 && b[0] == 'B' && b[1] == 'M')
        return IMAGE_BMP;
    return IMAGE_UNKNOWN;
}

/* Other formats stb_image would have read, named for the reason line. */
static const char *other_format(const uint8_t *b, size_t len) {
    static const struct {
        const char *magic, *name;
    } known[] = {{"GIF8", "a GIF"}, {"8BPS", "a Photoshop"}, {"#?RADIANCE", "a Radiance HDR"},
                 {"#?RGBE", "a Radiance HDR"}, {"\x53\x80\xf6\x34", "a Softimage PIC"},
                 {"P5", "a PGM"}, {"P6", "a PPM"}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t n = strlen(known[i].magic);
        if (len >= n && memcmp(b, known[i].magic, n) == 0)
            return known[i].name;
    }
    return NULL;
}

int image_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen) {
    if (len == 0)
        return image_fail(why, whylen, "empty file");
    switch (sniff(b, len)) {
    case IMAGE_JPEG: return jpeg_check(b, len, w, h, why, whylen);
    case IMAGE_PNG: return png_check(b, len, w, h, why, whylen);
    case IMAGE_BMP: return bmp_check(b, len, w, h, why, whylen);
    case IMAGE_UNKNOWN: break;
    }
    const char *other = other_format(b, len);
    if (other)
        return image_fail(why, whylen, "not a JPEG, PNG or BMP image (%s file; only those three "
                          "are read, whatever the name)", other);
    return image_fail(why, whylen, "not an image (no JPEG, PNG or BMP signature at its start)");
}
