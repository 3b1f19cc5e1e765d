/* See decode.h. stb_image never sees a file image_check has not passed:
 * a JPEG, PNG or BMP by its signature, whatever its name, whose structure
 * holds together (image_check.h says what stb_image does otherwise). The
 * size comes from that check, so an image too large is refused before
 * anything is decoded. */
#include "data/decode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/image_check.h"
#include "data/resize.h"
#include "stb_image.h"
#include "vaevk/dataset.h"

static int fail(char *why, size_t whylen, const char *reason) {
    snprintf(why, whylen, "%s", reason);
    return -1;
}

int decode_image_bytes(const uint8_t *bytes, size_t len, int crop, uint8_t *rgb, char *why,
                       size_t whylen) {
    int w, h, got_w, got_h, comp;
    if (len > 0x7fffffff)
        return fail(why, whylen, "too large a file (over 2 GiB)");
    if (image_check(bytes, len, &w, &h, why, whylen) != 0)
        return -1;
    uint8_t *pixels = stbi_load_from_memory(bytes, (int)len, &got_w, &got_h, &comp, 3);
    if (!pixels) {
        const char *reason = stbi_failure_reason();
        snprintf(why, whylen, "corrupt or truncated [stb_image: %s]",
                 reason ? reason : "no reason given");
        return -1;
    }
    if (got_w != w || got_h != h) { /* never expected: the two readings of the header disagree */
        stbi_image_free(pixels);
        snprintf(why, whylen, "corrupt image (its header says %dx%d, stb_image decoded %dx%d)", w,
                 h, got_w, got_h);
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
