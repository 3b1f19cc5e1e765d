/* See jpeg_check.h: a scan's entropy-coded data, walked as a decoder
 * would read it (T.81 F.2.2: Huffman codes, then that many extra bits for
 * a coefficient), without computing any pixel. Bytes come through
 * unstuffing (FF 00 is a data FF); a marker ends the data, after which a
 * decoder sees only zero bits, and a block that needs them is refused. */
#include <stdbool.h>

#include "data/image_check.h"
#include "data/jpeg_check.h"

#define DC_LIMIT 32767 /* a dequantized coefficient of 8-bit samples fits in 16 bits */

size_t jpeg_next_marker(const uint8_t *b, size_t len, size_t pos, int skip_restarts) {
    for (size_t i = pos; i < len; i++) {
        if (b[i] != 0xff)
            continue;
        size_t j = i + 1;
        while (j < len && b[j] == 0xff)
            j++;
        if (j == len)
            return len;
        bool restart = b[j] >= 0xd0 && b[j] <= 0xd7;
        if (b[j] != 0 && !(skip_restarts && restart))
            return i;
        i = j;
    }
    return len;
}

typedef struct {
    const uint8_t *b;
    size_t len, pos; /* pos: the next byte to take */
    uint32_t buf;    /* bits taken and not yet used, first at the top */
    int bits;
    bool ended;      /* a marker or the file's end was met at `end` */
    size_t end;
} bit_reader;

static void reader_start(bit_reader *r, const uint8_t *b, size_t len, size_t pos) {
    *r = (bit_reader){.b = b, .len = len, .pos = pos};
}

static void fill(bit_reader *r) {
    while (r->bits <= 24 && !r->ended) {
        if (r->pos >= r->len) {
            r->ended = true, r->end = r->len;
            break;
        }
        uint8_t c = r->b[r->pos];
        if (c == 0xff) {
            size_t j = r->pos + 1;
            while (j < r->len && r->b[j] == 0xff)
                j++; /* fill bytes */
            if (j >= r->len || r->b[j] != 0) {
                r->ended = true, r->end = j >= r->len ? r->len : r->pos;
                break;
            }
            r->pos = j + 1;
        } else {
            r->pos++;
        }
        r->buf |= (uint32_t)c << (24 - r->bits);
        r->bits += 8;
    }
}

/* The next n (<= 16) bits as a number; -1 when the data has ended. */
static int32_t take_bits(bit_reader *r, int n) {
    if (r->bits < n)
        fill(r);
    if (r->bits < n)
        return -1;
    int32_t v = n ? (int32_t)(r->buf >> (32 - n)) : 0;
    r->buf <<= n;
    r->bits -= n;
    return v;
}

/* The next Huffman-coded symbol; -1 for a code the table lacks, -2 when
 * the data ends inside the code. */
static int decode(bit_reader *r, const jpeg_huffman *t) {
    if (r->bits < 16)
        fill(r);
    uint32_t peek = r->buf >> 16; /* zeros past the data's end */
    int len, sym;
    uint16_t f = t->fast[peek >> (16 - JPEG_FAST_BITS)];
    if (f) {
        len = f >> 8, sym = f & 0xff;
    } else {
        int32_t code = 0;
        for (len = JPEG_FAST_BITS + 1; len <= 16; len++) {
            code = (int32_t)(peek >> (16 - len));
            if (code >= t->first_code[len] && code - t->first_code[len] < t->count[len])
                break;
        }
        if (len > 16)
            return -1;
        sym = t->symbols[t->first_index[len] + code - t->first_code[len]];
    }
    return take_bits(r, len) < 0 ? -2 : sym;
}

/* A coefficient's value from its size category and extra bits (T.81 F.12). */
static int32_t extend(int32_t v, int n) { return n && v < (1 << (n - 1)) ? v - (1 << n) + 1 : v; }

typedef struct {
    jpeg_state *s;
    const jpeg_scan *sc;
    bit_reader r;
    int64_t dc[4]; /* the running DC value of each scan component */
    const char *fault;
} scan_walk;

/* One block of scan component k: its DC difference, then (sequential
 * scans) its AC run/size codes up to the end-of-block. */
static bool walk_block(scan_walk *w, int k) {
    const jpeg_scan *sc = w->sc;
    const jpeg_component *c = &w->s->comp[sc->comp[k]];
    int t = decode(&w->r, &w->s->dc[sc->td[k]]);
    if (t < 0)
        return w->fault = t == -1 ? "a code its DC table lacks" : NULL, false;
    if (t > 11)
        return w->fault = "a DC difference of more than 11 bits", false;
    int32_t bits = take_bits(&w->r, t);
    if (bits < 0)
        return false;
    w->dc[k] += extend(bits, t);
    int64_t step = w->s->progressive ? (int64_t)1 << sc->al : (int64_t)w->s->quant_dc[c->tq];
    int64_t scaled = w->dc[k] * step;
    if (scaled > DC_LIMIT || scaled < -DC_LIMIT)
        return w->fault = "a DC coefficient out of range", false;
    if (w->s->progressive)
        return true;
    for (int i = 1; i < 64;) {
        int rs = decode(&w->r, &w->s->ac[sc->ta[k]]);
        if (rs < 0)
            return w->fault = rs == -1 ? "a code its AC table lacks" : NULL, false;
        int run = rs >> 4, size = rs & 15;
        if (size == 0) {
            if (run != 15)
                break; /* end of block */
            i += 16;
            continue;
        }
        if (take_bits(&w->r, size) < 0)
            return false;
        i += run + 1;
    }
    return true;
}

static bool walk_mcu(scan_walk *w) {
    const jpeg_scan *sc = w->sc;
    if (sc->n == 1)
        return walk_block(w, 0);
    for (int k = 0; k < sc->n; k++) {
        const jpeg_component *c = &w->s->comp[sc->comp[k]];
        for (int b = 0; b < c->h * c->v; b++)
            if (!walk_block(w, k))
                return false;
    }
    return true;
}

/* Where the data read so far ends: the marker met, or the next one. */
static size_t data_end(const bit_reader *r, int skip_restarts) {
    return r->ended ? r->end : jpeg_next_marker(r->b, r->len, r->pos, skip_restarts);
}

/* Past the RSTm marker that must end a restart interval. */
static bool restart(scan_walk *w) {
    const uint8_t *b = w->s->b;
    size_t len = w->s->len, at = data_end(&w->r, 0);
    while (at < len && b[at] == 0xff)
        at++;
    if (at >= len || b[at] < 0xd0 || b[at] > 0xd7)
        return w->fault = at >= len ? NULL : "a restart marker missing inside a scan", false;
    reader_start(&w->r, b, len, at + 1);
    for (int k = 0; k < 4; k++)
        w->dc[k] = 0;
    return true;
}

int jpeg_scan_walk(jpeg_state *s, const jpeg_scan *sc, size_t *pos, char *why, size_t whylen) {
    bool carries_dc = !s->progressive || (sc->ss == 0 && sc->ah == 0);
    if (!carries_dc) {
        *pos = jpeg_next_marker(s->b, s->len, *pos, 1);
        return 0;
    }
    scan_walk w = {.s = s, .sc = sc};
    reader_start(&w.r, s->b, s->len, *pos);
    const jpeg_component *lone = &s->comp[sc->comp[0]];
    int64_t mcus = sc->n == 1 ? lone->blocks_x * lone->blocks_y : s->mcus_x * s->mcus_y;
    for (int64_t m = 0; m < mcus; m++) {
        bool ok = (s->restart == 0 || m == 0 || m % s->restart != 0 || restart(&w)) && walk_mcu(&w);
        if (!ok && w.fault)
            return image_fail(why, whylen, "corrupt JPEG (%s)", w.fault);
        if (!ok)
            return image_fail(why, whylen, "%s JPEG (a scan's data ends before its last block)",
                              data_end(&w.r, 0) >= s->len ? "truncated" : "corrupt");
    }
    *pos = data_end(&w.r, 1);
    return 0;
}
