/* A PNG's chunk structure, from the PNG specification: IHDR first with a
 * valid size, bit depth and colour type; every chunk inside the file; the
 * CRC of every critical chunk (as libpng insists; stb_image never checks
 * it, so a damaged IDAT would otherwise decode as garbage or fail deep in
 * inflate); PLTE and tRNS where and as large as the colour type allows;
 * IDAT present and in one run; IEND at the end. Ancillary chunks are
 * passed over unread. */
#include <stdbool.h>
#include <string.h>

#include "data/image_check.h"

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t png_crc32(const uint8_t *p, size_t n) {
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* The bit depths each colour type allows (PNG table 11.1). */
static bool valid_depth(int colour, int depth) {
    switch (colour) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
    }
}

typedef struct {
    int colour, depth;
    long palette;  /* entries, -1 before PLTE */
    int idat_state; /* 0 none yet, 1 in the run, 2 the run has ended */
    bool trns;
} png_state;

static int check_ihdr(const uint8_t *d, uint32_t n, png_state *s, int *w, int *h, char *why,
                      size_t whylen) {
    if (n != 13)
        return image_fail(why, whylen, "corrupt PNG (IHDR holds %u bytes, not 13)", n);
    uint32_t width = be32(d), height = be32(d + 4);
    s->depth = d[8], s->colour = d[9];
    if (width > 0x7fffffffu || height > 0x7fffffffu)
        return image_fail(why, whylen, "corrupt PNG (its size %ux%u is out of range)", width, height);
    if (image_check_side("PNG", width, height, why, whylen) != 0)
        return -1;
    if (!valid_depth(s->colour, s->depth))
        return image_fail(why, whylen, "corrupt PNG (colour type %d with bit depth %d)", s->colour,
                          s->depth);
    if (d[10] != 0 || d[11] != 0 || d[12] > 1)
        return image_fail(why, whylen, "corrupt PNG (compression %d, filter %d, interlace %d)",
                          d[10], d[11], d[12]);
    *w = (int)width, *h = (int)height;
    return 0;
}

static int check_plte(uint32_t n, png_state *s, char *why, size_t whylen) {
    if (s->palette >= 0 || s->idat_state || s->trns)
        return image_fail(why, whylen, "corrupt PNG (a PLTE chunk out of place)");
    if (s->colour == 0 || s->colour == 4)
        return image_fail(why, whylen, "corrupt PNG (a palette in a grey image)");
    if (n == 0 || n % 3 || n / 3 > 256 || (s->colour == 3 && n / 3 > (1u << s->depth)))
        return image_fail(why, whylen, "corrupt PNG (a palette of %u bytes)", n);
    s->palette = n / 3;
    return 0;
}

static int check_trns(uint32_t n, png_state *s, char *why, size_t whylen) {
    bool fits = s->colour == 0 ? n == 2 : s->colour == 2 ? n == 6
              : s->colour == 3 ? s->palette >= 0 && n <= (uint32_t)s->palette : false;
    if (s->idat_state || s->trns || !fits)
        return image_fail(why, whylen, "corrupt PNG (a tRNS chunk of %u bytes for colour type %d)",
                          n, s->colour);
    s->trns = true;
    return 0;
}

/* One chunk after IHDR; 1 when it was IEND. */
static int check_chunk(const uint8_t *type, uint32_t n, png_state *s, char *why, size_t whylen) {
    bool idat = memcmp(type, "IDAT", 4) == 0;
    if (s->idat_state == 1 && !idat)
        s->idat_state = 2;
    if (idat) {
        if (s->idat_state == 2)
            return image_fail(why, whylen, "corrupt PNG (its IDAT chunks are not in one run)");
        if (s->colour == 3 && s->palette < 0)
            return image_fail(why, whylen, "corrupt PNG (a palette image with no PLTE before IDAT)");
        s->idat_state = 1;
        return 0;
    }
    if (memcmp(type, "PLTE", 4) == 0)
        return check_plte(n, s, why, whylen);
    if (memcmp(type, "tRNS", 4) == 0)
        return check_trns(n, s, why, whylen);
    if (memcmp(type, "IEND", 4) == 0) {
        if (n != 0 || s->idat_state == 0)
            return image_fail(why, whylen, "corrupt PNG (%s)", n ? "IEND holds data" : "no IDAT chunk");
        return 1;
    }
    if (memcmp(type, "IHDR", 4) == 0 || !(type[0] & 0x20))
        return image_fail(why, whylen, "corrupt PNG (a %.4s chunk%s)", (const char *)type,
                          type[0] & 0x20 ? "" : " this reader does not know");
    return 0; /* ancillary: passed over */
}

int png_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen) {
    png_state s = {.palette = -1};
    size_t pos = 8;
    for (int k = 0;; k++) {
        if (len - pos < 12)
            return image_fail(why, whylen, "truncated PNG (it ends %s)",
                              k ? "before its IEND chunk" : "inside its header");
        uint32_t n = be32(b + pos);
        const uint8_t *type = b + pos + 4, *data = b + pos + 8;
        for (int i = 0; i < 4; i++)
            if (!((type[i] | 0x20) >= 'a' && (type[i] | 0x20) <= 'z'))
                return image_fail(why, whylen, "corrupt PNG (a chunk type that is not 4 letters)");
        if (n > 0x7fffffffu)
            return image_fail(why, whylen, "corrupt PNG (a chunk of %u bytes)", n);
        if (len - pos - 12 < n)
            return image_fail(why, whylen, "truncated PNG (its %.4s chunk runs past the end)",
                              (const char *)type);
        if (!(type[0] & 0x20) && png_crc32(type, (size_t)n + 4) != be32(data + n))
            return image_fail(why, whylen, "corrupt PNG (its %.4s chunk fails its CRC)",
                              (const char *)type);
        int status;
        if (k == 0)
            status = memcmp(type, "IHDR", 4) == 0
                   ? check_ihdr(data, n, &s, w, h, why, whylen)
                   : image_fail(why, whylen, "corrupt PNG (its first chunk is not IHDR)");
        else
            status = check_chunk(type, n, &s, why, whylen);
        if (status < 0)
            return -1;
        if (status == 1)
            return 0;
        pos += (size_t)n + 12;
    }
}
