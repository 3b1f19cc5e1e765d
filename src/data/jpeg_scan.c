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
    int64_t dc[4];  /* the running DC value of each scan component */
    int32_t eobrun; /* blocks left in an end-of-band run (progressive AC) */
    const char *fault;
} scan_walk;

/* Fails the walk: with fault NULL the data ran out (or a code was cut). */
static bool stop(scan_walk *w, const char *fault) {
    w->fault = fault;
    return false;
}

static int decode_or_stop(scan_walk *w, const jpeg_huffman *t, const char *missing) {
    int sym = decode(&w->r, t);
    if (sym < 0)
        stop(w, sym == -1 ? missing : NULL);
    return sym;
}

/* A DC difference of scan component k, added to its running value, which
 * must stay within 16 bits once dequantized (or shifted by Al). */
static bool walk_dc(scan_walk *w, int k) {
    const jpeg_scan *sc = w->sc;
    int t = decode_or_stop(w, &w->s->dc[sc->td[k]], "a code its DC table lacks");
    if (t < 0)
        return false;
    if (t > 11)
        return stop(w, "a DC difference of more than 11 bits");
    int32_t bits = take_bits(&w->r, t);
    if (bits < 0)
        return stop(w, NULL);
    w->dc[k] += extend(bits, t);
    int tq = w->s->comp[sc->comp[k]].tq;
    int64_t step = w->s->progressive ? (int64_t)1 << sc->al : (int64_t)w->s->quant_dc[tq];
    int64_t scaled = w->dc[k] * step;
    if (scaled > DC_LIMIT || scaled < -DC_LIMIT)
        return stop(w, "a DC coefficient out of range");
    return true;
}

/* A sequential block (T.81 F.2.2): the DC difference, then AC run/size
 * codes to the end of the block. */
static bool walk_sequential(scan_walk *w, int k) {
    if (!walk_dc(w, k))
        return false;
    const jpeg_huffman *ac = &w->s->ac[w->sc->ta[k]];
    for (int i = 1; i < 64;) {
        int rs = decode_or_stop(w, ac, "a code its AC table lacks");
        if (rs < 0)
            return false;
        int run = rs >> 4, size = rs & 15;
        if (size == 0 && run != 15)
            break; /* end of block */
        i += size ? run : 16;
        if (i > (size ? 63 : 64))
            return stop(w, "a run of zeros past the end of a block");
        if (size && take_bits(&w->r, size) < 0)
            return stop(w, NULL);
        i += size != 0;
    }
    return true;
}

/* The length of an end-of-band run whose code said 2^r (G.1.2.2). */
static bool read_eobrun(scan_walk *w, int r) {
    int32_t extra = take_bits(&w->r, r);
    if (extra < 0)
        return stop(w, NULL);
    w->eobrun = (1 << r) - 1 + extra; /* the blocks after this one */
    return true;
}

/* A progressive block's first AC scan of its band (G.1.2.2): run/size
 * codes and end-of-band runs; each coefficient, once shifted by Al, must
 * fit in 16 bits; `nonzero` records which became non-zero. */
static bool walk_ac_first(scan_walk *w, uint64_t *nonzero) {
    const jpeg_scan *sc = w->sc;
    if (w->eobrun > 0) {
        w->eobrun--;
        return true;
    }
    for (int k = sc->ss; k <= sc->se;) {
        int rs = decode_or_stop(w, &w->s->ac[sc->ta[0]], "a code its AC table lacks");
        if (rs < 0)
            return false;
        int run = rs >> 4, size = rs & 15;
        if (size == 0 && run < 15)
            return read_eobrun(w, run);
        k += size ? run : 16;
        if (k > (size ? sc->se : sc->se + 1))
            return stop(w, "a run of zeros past the end of its band");
        if (!size)
            continue;
        int32_t bits = take_bits(&w->r, size);
        if (bits < 0)
            return stop(w, NULL);
        int64_t value = (int64_t)extend(bits, size) * ((int64_t)1 << sc->al);
        if (value > DC_LIMIT || value < -DC_LIMIT)
            return stop(w, "an AC coefficient out of range");
        *nonzero |= (uint64_t)1 << k++;
    }
    return true;
}

/* Correction bits for the non-zero coefficients of [k, until] passed
 * over, until `zeros` zero coefficients have been passed too; the next
 * zero one (if any) is left at *k. */
static bool refine_run(scan_walk *w, uint64_t nonzero, int *k, int zeros) {
    for (; *k <= w->sc->se; (*k)++) {
        if (nonzero >> *k & 1) {
            if (take_bits(&w->r, 1) < 0)
                return stop(w, NULL);
        } else if (zeros-- == 0) {
            break;
        }
    }
    return true;
}

/* A progressive block's AC refinement scan (G.1.2.3): a correction bit
 * for every coefficient already non-zero, new coefficients of +-1 placed
 * after runs of zero ones, end-of-band runs. */
static bool walk_ac_refine(scan_walk *w, uint64_t *nonzero) {
    const jpeg_scan *sc = w->sc;
    int k = sc->ss;
    if (w->eobrun > 0) {
        w->eobrun--;
        return refine_run(w, *nonzero, &k, 64);
    }
    while (k <= sc->se) {
        int rs = decode_or_stop(w, &w->s->ac[sc->ta[0]], "a code its AC table lacks");
        if (rs < 0)
            return false;
        int run = rs >> 4, size = rs & 15;
        if (size == 0 && run < 15)
            return read_eobrun(w, run) && refine_run(w, *nonzero, &k, 64);
        if (size > 1)
            return stop(w, "a refinement code of more than one bit");
        if (size && take_bits(&w->r, 1) < 0) /* the new coefficient's sign */
            return stop(w, NULL);
        if (!refine_run(w, *nonzero, &k, run))
            return false;
        if (k <= sc->se && size)
            *nonzero |= (uint64_t)1 << k;
        k++;
    }
    return true;
}

/* One block of scan component k, by the kind of scan. */
static bool walk_block(scan_walk *w, int k, uint64_t *nonzero) {
    const jpeg_scan *sc = w->sc;
    if (!w->s->progressive)
        return walk_sequential(w, k);
    if (sc->ss == 0 && sc->ah == 0)
        return walk_dc(w, k);
    if (sc->ss == 0)
        return take_bits(&w->r, 1) >= 0 || stop(w, NULL); /* a DC correction bit */
    return sc->ah == 0 ? walk_ac_first(w, nonzero) : walk_ac_refine(w, nonzero);
}

/* MCU m: block m of a lone component, or every component's H x V blocks. */
static bool walk_mcu(scan_walk *w, int64_t m) {
    const jpeg_scan *sc = w->sc;
    if (sc->n == 1) {
        uint64_t *map = w->s->nonzero[sc->comp[0]];
        return walk_block(w, 0, map ? map + m : NULL);
    }
    for (int k = 0; k < sc->n; k++) {
        const jpeg_component *c = &w->s->comp[sc->comp[k]];
        for (int b = 0; b < c->h * c->v; b++)
            if (!walk_block(w, k, NULL))
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
    w->eobrun = 0;
    return true;
}

int jpeg_scan_walk(jpeg_state *s, const jpeg_scan *sc, size_t *pos, char *why, size_t whylen) {
    scan_walk w = {.s = s, .sc = sc};
    reader_start(&w.r, s->b, s->len, *pos);
    const jpeg_component *lone = &s->comp[sc->comp[0]];
    int64_t mcus = sc->n == 1 ? lone->blocks_x * lone->blocks_y : s->mcus_x * s->mcus_y;
    for (int64_t m = 0; m < mcus; m++) {
        bool ok = (s->restart == 0 || m == 0 || m % s->restart != 0 || restart(&w)) &&
                  walk_mcu(&w, m);
        if (!ok && w.fault)
            return image_fail(why, whylen, "corrupt JPEG (%s)", w.fault);
        if (!ok)
            return image_fail(why, whylen, "%s JPEG (a scan's data ends before its last block)",
                              data_end(&w.r, 0) >= s->len ? "truncated" : "corrupt");
    }
    *pos = data_end(&w.r, 1);
    return 0;
}
