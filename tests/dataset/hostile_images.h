/* Image files built byte by byte that stb_image (Debian's 2022 snapshot)
 * mishandles, for the folder test and the fuzzing corpus
 * (tests/fuzz/make_corpus.c). Each returns malloc'd bytes and their count.
 *
 *   hostile_huffman_jpeg  a DHT whose 16 code counts sum to 272: stb_image
 *                         writes past its 257-byte code-size table (the
 *                         upstream bug is nothings/stb #1289);
 *   hostile_dc_jpeg       a valid-looking 48x48 baseline JPEG whose DC
 *                         differences sum past 2^31 / its 16-bit DC step:
 *                         stb_image overflows an int (undefined behaviour);
 *   hostile_tga           a valid TGA, a format with no signature that
 *                         stb_image decodes whatever the file is called;
 *   hostile_gif           a valid 1x1 GIF.
 * Header-only like the other test helpers; every function is static. */
#ifndef VAEVK_TESTS_HOSTILE_IMAGES_H
#define VAEVK_TESTS_HOSTILE_IMAGES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *b;
    size_t n, cap;
    uint32_t bits; /* entropy-coded bits not yet written, and how many */
    int nbits;
} byte_buf;

static inline void buf_put(byte_buf *o, const void *p, size_t n) {
    if (o->n + n > o->cap) {
        o->cap = 2 * (o->n + n) + 64;
        o->b = realloc(o->b, o->cap);
        if (!o->b)
            abort();
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static inline void buf_bytes(byte_buf *o, int n, const uint8_t *p) { buf_put(o, p, (size_t)n); }

/* Appends n bits of v (first bit the highest) as entropy-coded data: a
 * data FF is followed by a stuffed 00. */
static inline void buf_bits(byte_buf *o, uint32_t v, int n) {
    for (int i = n - 1; i >= 0; i--) {
        o->bits = o->bits << 1 | (v >> i & 1);
        if (++o->nbits == 8) {
            uint8_t c = (uint8_t)o->bits;
            buf_put(o, &c, 1);
            if (c == 0xff)
                buf_put(o, "", 1);
            o->bits = 0, o->nbits = 0;
        }
    }
}

/* Pads the last byte with 1 bits, as T.81 asks before a marker. */
static inline void buf_bits_flush(byte_buf *o) {
    while (o->nbits)
        buf_bits(o, 1, 1);
}

static inline uint8_t *hostile_huffman_jpeg(size_t *n) {
    byte_buf o = {0};
    static const uint8_t head[] = {0xff, 0xd8, 0xff, 0xc4, 0x01, 0x23, 0x00};
    buf_bytes(&o, sizeof head, head);
    uint8_t counts[16] = {0};
    counts[14] = 136, counts[15] = 136; /* 272 codes of 15 and 16 bits: they fit, but 272 > 256 */
    buf_bytes(&o, 16, counts);
    for (int i = 0; i < 272; i++)
        buf_bytes(&o, 1, (const uint8_t[]){(uint8_t)i});
    buf_bytes(&o, 2, (const uint8_t[]){0xff, 0xd9});
    *n = o.n;
    return o.b;
}

/* One Huffman table of a single 1-bit code ("0") for `symbol`. */
static inline void dht_one_code(byte_buf *o, int class_id, uint8_t symbol) {
    uint8_t counts[16] = {1}; /* one code of 1 bit */
    buf_bytes(o, 5, (const uint8_t[]){0xff, 0xc4, 0, 20, (uint8_t)class_id});
    buf_bytes(o, 16, counts);
    buf_bytes(o, 1, &symbol);
}

static inline uint8_t *hostile_dc_jpeg(size_t *n) {
    byte_buf o = {0};
    buf_bytes(&o, 2, (const uint8_t[]){0xff, 0xd8});
    /* DQT: table 0 with 16-bit steps, the DC one 65535 */
    buf_bytes(&o, 5, (const uint8_t[]){0xff, 0xdb, 0, 131, 0x10});
    for (int i = 0; i < 64; i++)
        buf_bytes(&o, 2, (const uint8_t[]){i ? 0 : 0xff, i ? 1 : 0xff});
    /* SOF0: 8-bit, 48x48, one component (id 1, 1x1, table 0) */
    buf_bytes(&o, 13, (const uint8_t[]){0xff, 0xc0, 0, 11, 8, 0, 48, 0, 48, 1, 1, 0x11, 0});
    dht_one_code(&o, 0x00, 11);   /* DC: "0" means an 11-bit difference */
    dht_one_code(&o, 0x10, 0x00); /* AC: "0" means end of block */
    buf_bytes(&o, 10, (const uint8_t[]){0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0});
    for (int block = 0; block < 36; block++) { /* each block's DC grows by 2047 */
        buf_bits(&o, 0, 1);
        buf_bits(&o, 0x7ff, 11);
        buf_bits(&o, 0, 1);
    }
    buf_bits_flush(&o);
    buf_bytes(&o, 2, (const uint8_t[]){0xff, 0xd9});
    *n = o.n;
    return o.b;
}

static inline uint8_t *hostile_tga(size_t *n) {
    byte_buf o = {0};
    /* no id, no colour map, type 2 (true colour), 4x4, 24 bits, bottom-up */
    const uint8_t head[18] = {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 24, 0};
    buf_bytes(&o, sizeof head, head);
    for (int i = 0; i < 4 * 4 * 3; i++)
        buf_bytes(&o, 1, (const uint8_t[]){(uint8_t)(60 + 4 * i)});
    *n = o.n;
    return o.b;
}

static inline uint8_t *hostile_gif(size_t *n) {
    static const uint8_t gif[] = {
        'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, /* 1x1, a 2-colour table */
        0, 0, 0, 0xff, 0xff, 0xff,                             /* black, white */
        0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,                       /* the image: 1x1 at 0,0 */
        2, 2, 0x44, 0x01, 0,                                   /* LZW: clear, 0, end */
        0x3b};
    uint8_t *b = malloc(sizeof gif);
    if (!b)
        abort();
    memcpy(b, gif, sizeof gif);
    *n = sizeof gif;
    return b;
}

#endif
