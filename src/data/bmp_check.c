/* A BMP's headers and pixel array, from the format as Windows defines it:
 * the 14-byte file header, an info header of a known size (12: OS/2; 40,
 * 56, 108, 124: Windows), one plane, a bit depth of 1, 4, 8, 16, 24 or 32,
 * no compression (or bit fields at 16 and 32 bits: three non-zero masks),
 * the palette and every row inside the file (stb_image would read a
 * truncated BMP as if the missing rows were black), and every colour index
 * within the palette (stb_image would read past the colours the file gives
 * into memory it never set). Run-length and embedded JPEG/PNG BMPs are
 * refused: stb_image does not read them. */
#include <stdbool.h>

#include "data/image_check.h"

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

typedef struct {
    uint32_t offset, header, compression;
    int64_t w, h; /* h > 0 */
    int bpp;
    int64_t palette; /* entries given, for bpp <= 8 */
} bmp_info;

static int read_info(const uint8_t *b, size_t len, bmp_info *bi, char *why, size_t whylen) {
    if (len < 26)
        return image_fail(why, whylen, "truncated BMP (it ends inside its header)");
    bi->offset = le32(b + 10), bi->header = le32(b + 14);
    uint32_t hs = bi->header;
    if (hs != 12 && hs != 40 && hs != 56 && hs != 108 && hs != 124)
        return image_fail(why, whylen, "corrupt BMP (an info header of %u bytes)", hs);
    if (len < 14 + (size_t)hs)
        return image_fail(why, whylen, "truncated BMP (it ends inside its header)");
    int planes;
    if (hs == 12) {
        bi->w = le16(b + 18), bi->h = le16(b + 20), planes = (int)le16(b + 22);
        bi->bpp = (int)le16(b + 24), bi->compression = 0;
    } else {
        bi->w = (int32_t)le32(b + 18), bi->h = (int32_t)le32(b + 22), planes = (int)le16(b + 26);
        bi->bpp = (int)le16(b + 28), bi->compression = le32(b + 30);
    }
    if (bi->h < 0)
        bi->h = -bi->h; /* rows stored top-down; int64, so INT32_MIN is no trap */
    if (planes != 1)
        return image_fail(why, whylen, "corrupt BMP (%d planes)", planes);
    return image_check_side("BMP", bi->w, bi->h, why, whylen);
}

/* Bit-field masks: after a 40- or 56-byte header they follow it (and the
 * offset must leave room for them); larger headers hold them. */
static int check_masks(const uint8_t *b, size_t len, const bmp_info *bi, uint32_t *data_start,
                       char *why, size_t whylen) {
    uint32_t at = 14 + 40;
    if (bi->header == 12 || bi->header == 40)
        *data_start += 12;
    if (len < at + 12 || *data_start > bi->offset)
        return image_fail(why, whylen, "corrupt BMP (its bit-field masks are missing)");
    uint32_t r = le32(b + at), g = le32(b + at + 4), bl = le32(b + at + 8);
    if (!r || !g || !bl || (r & g) || (g & bl) || (r & bl))
        return image_fail(why, whylen, "corrupt BMP (bit-field masks %08x %08x %08x)", r, g, bl);
    return 0;
}

/* Every colour index in the pixel rows is below the palette's size. */
static bool indices_in_palette(const uint8_t *rows, const bmp_info *bi, int64_t stride) {
    if (bi->palette >= (1 << bi->bpp))
        return true;
    for (int64_t y = 0; y < bi->h; y++)
        for (int64_t x = 0; x < bi->w; x++) {
            int64_t bit = x * bi->bpp;
            int v = rows[y * stride + bit / 8] >> (8 - bi->bpp - bit % 8) & ((1 << bi->bpp) - 1);
            if (v >= bi->palette)
                return false;
        }
    return true;
}

int bmp_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen) {
    bmp_info bi = {0};
    if (read_info(b, len, &bi, why, whylen) != 0)
        return -1;
    int bpp = bi.bpp;
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return image_fail(why, whylen, "corrupt BMP (%d bits a pixel)", bpp);
    if (bi.compression != 0 && !(bi.compression == 3 && (bpp == 16 || bpp == 32)))
        return image_fail(why, whylen, "unsupported BMP (compression %u: only uncompressed and "
                          "bit-field BMPs are read)", bi.compression);
    uint32_t data_start = 14 + bi.header;
    if (bi.compression == 3 && check_masks(b, len, &bi, &data_start, why, whylen) != 0)
        return -1;
    if (bi.offset < data_start || bi.offset > len)
        return image_fail(why, whylen, "corrupt BMP (its pixels start at byte %u)", bi.offset);
    int64_t stride = (bi.w * bpp + 31) / 32 * 4;
    if ((int64_t)bi.offset + stride * bi.h > (int64_t)len)
        return image_fail(why, whylen, "truncated BMP (fewer bytes than its rows need)");
    if (bpp <= 8) {
        /* the colours stb_image reads: it counts an OS/2 palette from byte
         * 38, 12 bytes past where it starts */
        bi.palette = bi.header == 12 ? ((int64_t)bi.offset - 38) / 3 : (bi.offset - data_start) / 4;
        if (bi.palette < 1)
            return image_fail(why, whylen, "corrupt BMP (no palette)");
        if (!indices_in_palette(b + bi.offset, &bi, stride))
            return image_fail(why, whylen, "corrupt BMP (a colour index past its %lld-colour "
                              "palette)", (long long)bi.palette);
    }
    *w = (int)bi.w, *h = (int)bi.h;
    return 0;
}
