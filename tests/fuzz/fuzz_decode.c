/* Fuzzing the image decoder (decode_image_bytes, src/data/decode.c: the
 * checks of image_check.c, then stb_image, the crop and the resize): the
 * input is an image file's bytes. Each call returns 0 with a 64x64 image,
 * or -1 with a one-line reason; the sanitizers watch stb_image too.
 *
 * A PNG is decoded twice: as given, and with every chunk's CRC made to
 * match, so that mutated compressed data gets past the CRC check and into
 * stb_image's inflate and filters (a hostile file can carry right CRCs).
 * Images the checks pass with more than 2^22 pixels are only checked, not
 * decoded: decoding one takes seconds under the sanitizers and reaches no
 * code a small one does not. */
#include "data/decode.h"
#include "data/image_check.h"
#include "fuzz_input.h"
#include "vaevk/dataset.h"

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A copy of a PNG with each whole chunk's CRC rewritten; NULL for others. */
static uint8_t *png_with_crcs(const uint8_t *data, size_t size) {
    if (size < 8 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
        return NULL;
    uint8_t *b = malloc(size);
    FUZZ_REQUIRE(b != NULL, "out of memory");
    memcpy(b, data, size);
    for (size_t pos = 8; size - pos >= 12;) {
        uint32_t n = be32(b + pos);
        if (n > size - pos - 12)
            break;
        uint32_t crc = png_crc32(b + pos + 4, (size_t)n + 4);
        for (int i = 0; i < 4; i++)
            b[pos + 8 + n + (size_t)i] = (uint8_t)(crc >> (24 - 8 * i));
        pos += (size_t)n + 12;
    }
    return b;
}

static void decode(const uint8_t *data, size_t size) {
    char why[300] = "";
    int w = 0, h = 0;
    if (image_check(data, size, &w, &h, why, sizeof why) == 0 && (int64_t)w * h > (1 << 22))
        return;
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    why[0] = 0;
    if (decode_image_bytes(data, size, VAE_CROP_AUTO, rgb, why, sizeof why) != 0)
        fuzz_check_error(why, NULL, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    decode(data, size);
    uint8_t *fixed = png_with_crcs(data, size);
    if (fixed) {
        decode(fixed, size);
        free(fixed);
    }
    return 0;
}
