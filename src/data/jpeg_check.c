/* See jpeg_check.h: a JPEG's marker segments, walked from SOI to EOI as
 * T.81 (annex B) lays them out. Each segment must lie inside the file and
 * its length agree with its contents; Huffman tables (DHT) must hold at
 * most 256 codes that fit their lengths; only baseline, extended and
 * progressive Huffman-coded frames of 8-bit samples with 1, 3 or 4
 * components are accepted (all stb_image decodes); every scan's tables
 * must be defined before it; every component must be coded; and each scan's
 * data is decoded (jpeg_scan.c). A file ending before EOI is truncated. */
#include <stdbool.h>
#include <stdlib.h>

#include "data/image_check.h"
#include "data/jpeg_check.h"

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

/* Counts (16, by code length) and symbols into a decoding table; false
 * when the counts overflow the code space of their lengths (T.81 C.2). */
static bool build_huffman(jpeg_huffman *t, const uint8_t *counts, const uint8_t *symbols,
                          int total) {
    int32_t code = 0, index = 0;
    for (int len = 1; len <= 16; len++) {
        t->first_code[len] = code, t->first_index[len] = index, t->count[len] = counts[len - 1];
        code += counts[len - 1], index += counts[len - 1];
        if (code > (1 << len))
            return false;
        code <<= 1;
    }
    for (int i = 0; i < total; i++)
        t->symbols[i] = symbols[i];
    for (int i = 0; i < 1 << JPEG_FAST_BITS; i++)
        t->fast[i] = 0;
    for (int len = 1; len <= JPEG_FAST_BITS; len++)
        for (int i = 0; i < t->count[len]; i++) {
            int first = (t->first_code[len] + i) << (JPEG_FAST_BITS - len);
            for (int j = 0; j < 1 << (JPEG_FAST_BITS - len); j++)
                t->fast[first + j] = (uint16_t)(len << 8 | symbols[t->first_index[len] + i]);
        }
    t->defined = 1;
    return true;
}

/* DHT: one or more tables, each a class and id, 16 counts and their
 * symbols, filling the segment exactly. */
static int read_dht(jpeg_state *s, const uint8_t *p, size_t n, char *why, size_t whylen) {
    while (n > 0) {
        if (n < 17)
            return image_fail(why, whylen, "corrupt JPEG (a Huffman table cut short by its segment)");
        int tc = p[0] >> 4, th = p[0] & 15, total = 0;
        if (tc > 1 || th > 3)
            return image_fail(why, whylen, "corrupt JPEG (Huffman table class %d, id %d)", tc, th);
        for (int i = 0; i < 16; i++)
            total += p[1 + i];
        if (total > 256)
            return image_fail(why, whylen, "corrupt JPEG (a Huffman table's code counts sum to %d, "
                              "over 256)", total);
        if (n < 17 + (size_t)total)
            return image_fail(why, whylen, "corrupt JPEG (a Huffman table's %d symbols overrun "
                              "its segment)", total);
        if (!build_huffman(tc ? &s->ac[th] : &s->dc[th], p + 1, p + 17, total))
            return image_fail(why, whylen, "corrupt JPEG (a Huffman table has more codes than its "
                              "code lengths allow)");
        p += 17 + total, n -= 17 + (size_t)total;
    }
    return 0;
}

/* DQT: tables of 64 steps, 8 or 16 bits each, none zero. */
static int read_dqt(jpeg_state *s, const uint8_t *p, size_t n, char *why, size_t whylen) {
    while (n > 0) {
        int pq = p[0] >> 4, tq = p[0] & 15;
        size_t size = pq ? 129 : 65;
        if (pq > 1 || tq > 3 || n < size)
            return image_fail(why, whylen, "corrupt JPEG (a quantization table's header or size)");
        for (int i = 0; i < 64; i++)
            if ((pq ? be16(p + 1 + 2 * i) : p[1 + i]) == 0)
                return image_fail(why, whylen, "corrupt JPEG (a quantization step of 0)");
        s->quant_dc[tq] = pq ? be16(p + 1) : p[1];
        s->quant_defined[tq] = 1;
        p += size, n -= size;
    }
    return 0;
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* SOF0/1/2: precision, size, components with sampling factors that divide
 * the largest ones. */
static int read_sof(jpeg_state *s, int marker, const uint8_t *p, size_t n, char *why,
                    size_t whylen) {
    if (n < 6 || n != 6 + 3 * (size_t)p[5])
        return image_fail(why, whylen, "corrupt JPEG (a frame header of the wrong length)");
    if (p[0] != 8)
        return image_fail(why, whylen, "unsupported JPEG (%d-bit samples; only 8-bit are read)", p[0]);
    s->height = be16(p + 1), s->width = be16(p + 3), s->ncomp = p[5];
    if (s->height == 0)
        return image_fail(why, whylen, "unsupported JPEG (its height is given only after the scan)");
    if (image_check_side("JPEG", s->width, s->height, why, whylen) != 0)
        return -1;
    if (s->ncomp != 1 && s->ncomp != 3 && s->ncomp != 4)
        return image_fail(why, whylen, "unsupported JPEG (%d components)", s->ncomp);
    for (int i = 0; i < s->ncomp; i++) {
        jpeg_component *c = &s->comp[i];
        c->id = p[6 + 3 * i], c->h = p[7 + 3 * i] >> 4, c->v = p[7 + 3 * i] & 15;
        c->tq = p[8 + 3 * i];
        if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4 || c->tq > 3)
            return image_fail(why, whylen, "corrupt JPEG (a component's sampling or table)");
        for (int j = 0; j < i; j++)
            if (s->comp[j].id == c->id)
                return image_fail(why, whylen, "corrupt JPEG (two components with id %d)", c->id);
        s->hmax = c->h > s->hmax ? c->h : s->hmax;
        s->vmax = c->v > s->vmax ? c->v : s->vmax;
    }
    for (int i = 0; i < s->ncomp; i++) {
        jpeg_component *c = &s->comp[i];
        if (s->hmax % c->h || s->vmax % c->v)
            return image_fail(why, whylen, "unsupported JPEG (sampling factors that do not divide)");
        c->blocks_x = ceil_div(ceil_div(s->width * c->h, s->hmax), 8);
        c->blocks_y = ceil_div(ceil_div(s->height * c->v, s->vmax), 8);
    }
    s->mcus_x = ceil_div(s->width, 8 * s->hmax);
    s->mcus_y = ceil_div(s->height, 8 * s->vmax);
    s->progressive = marker == 0xc2;
    s->frame = 1;
    for (int i = 0; s->progressive && i < s->ncomp; i++) {
        s->nonzero[i] = calloc((size_t)(s->comp[i].blocks_x * s->comp[i].blocks_y), sizeof(uint64_t));
        if (!s->nonzero[i])
            return image_fail(why, whylen, "out of memory checking it");
    }
    return 0;
}

/* The scan header's fields, checked as the frame allows. */
static int read_sos_fields(jpeg_state *s, jpeg_scan *sc, const uint8_t *p, size_t n, char *why,
                           size_t whylen) {
    sc->n = n ? p[0] : 0;
    if (sc->n < 1 || sc->n > s->ncomp || n != 4 + 2 * (size_t)sc->n)
        return image_fail(why, whylen, "corrupt JPEG (a scan header of the wrong length)");
    for (int k = 0; k < sc->n; k++) {
        int id = p[1 + 2 * k], which = 0;
        while (which < s->ncomp && s->comp[which].id != id)
            which++;
        for (int j = 0; j < k; j++)
            if (which < s->ncomp && sc->comp[j] == which)
                which = s->ncomp;
        if (which == s->ncomp)
            return image_fail(why, whylen, "corrupt JPEG (a scan of component %d, unknown or twice)", id);
        sc->comp[k] = which, sc->td[k] = p[2 + 2 * k] >> 4, sc->ta[k] = p[2 + 2 * k] & 15;
        if (sc->td[k] > 3 || sc->ta[k] > 3)
            return image_fail(why, whylen, "corrupt JPEG (a scan's Huffman table ids)");
    }
    const uint8_t *q = p + 1 + 2 * sc->n;
    sc->ss = q[0], sc->se = q[1], sc->ah = q[2] >> 4, sc->al = q[2] & 15;
    bool ok = s->progressive
            ? sc->ss <= sc->se && sc->se <= 63 && (sc->ss == 0) == (sc->se == 0) &&
              (sc->ss == 0 || sc->n == 1) && sc->ah <= 13 && sc->al <= 13
            : sc->ss == 0 && sc->ah == 0 && sc->al == 0;
    return ok ? 0 : image_fail(why, whylen, "corrupt JPEG (a scan's spectral selection or "
                               "successive approximation)");
}

/* SOS: the header, the tables it needs, then its data. */
static int read_sos(jpeg_state *s, const uint8_t *p, size_t n, size_t *pos, char *why,
                    size_t whylen) {
    jpeg_scan sc;
    if (read_sos_fields(s, &sc, p, n, why, whylen) != 0)
        return -1;
    bool dc = !s->progressive || (sc.ss == 0 && sc.ah == 0), ac = !s->progressive || sc.ss > 0;
    for (int k = 0; k < sc.n; k++) {
        jpeg_component *c = &s->comp[sc.comp[k]];
        if ((dc && !s->dc[sc.td[k]].defined) || (ac && !s->ac[sc.ta[k]].defined))
            return image_fail(why, whylen, "corrupt JPEG (a scan uses a Huffman table never defined)");
        if (!s->quant_defined[c->tq])
            return image_fail(why, whylen, "corrupt JPEG (a component's quantization table is "
                              "never defined)");
        c->coded |= dc;
    }
    return jpeg_scan_walk(s, &sc, pos, why, whylen);
}

/* The marker at *pos: FF, fill FFs, its code (left in *marker), *pos
 * moved past it. Before the frame, other bytes ahead of the FF are passed
 * over (some writers pad between segments; decoders skip them there). */
static int next_marker(const jpeg_state *s, size_t *pos, int *marker, char *why, size_t whylen) {
    size_t at = *pos;
    while (!s->frame && at < s->len && s->b[at] != 0xff)
        at++;
    if (at < s->len && s->b[at] != 0xff)
        return image_fail(why, whylen, "corrupt JPEG (no marker where one must be)");
    while (at < s->len && s->b[at] == 0xff)
        at++;
    if (at >= s->len)
        return image_fail(why, whylen, "truncated JPEG (it ends before its end-of-image marker)");
    *marker = s->b[at];
    *pos = at + 1;
    return *marker == 0 ? image_fail(why, whylen, "corrupt JPEG (a stuffed zero where a marker "
                                     "must be)")
                        : 0;
}

/* The length of the segment at pos (past its marker) without its own two
 * bytes, in *n. */
static int segment_length(const jpeg_state *s, size_t pos, size_t *n, char *why, size_t whylen) {
    if (s->len - pos < 2)
        return image_fail(why, whylen, "truncated JPEG (it ends inside a segment)");
    uint32_t length = be16(s->b + pos);
    if (length < 2)
        return image_fail(why, whylen, "corrupt JPEG (a segment of length %u)", length);
    if (s->len - pos < length)
        return image_fail(why, whylen, "truncated JPEG (a segment runs past the end)");
    *n = length - 2;
    return 0;
}

/* A segment other than SOS at *pos (just past its marker), *pos moved past it. */
static int read_segment(jpeg_state *s, int m, size_t *pos, char *why, size_t whylen) {
    size_t n = 0;
    if (segment_length(s, *pos, &n, why, whylen) != 0)
        return -1;
    const uint8_t *p = s->b + *pos + 2;
    *pos += n + 2;
    if (m == 0xc4)
        return read_dht(s, p, n, why, whylen);
    if (m == 0xdb)
        return read_dqt(s, p, n, why, whylen);
    if (m == 0xdd) {
        s->restart = n == 2 ? be16(p) : 0;
        return n == 2 ? 0 : image_fail(why, whylen, "corrupt JPEG (a restart interval segment)");
    }
    if (m >= 0xc0 && m <= 0xc2)
        return s->frame ? image_fail(why, whylen, "corrupt JPEG (a second frame header)")
                        : read_sof(s, m, p, n, why, whylen);
    if (m == 0xdc)
        return s->frame && n == 2 ? 0 : image_fail(why, whylen, "corrupt JPEG (a DNL segment)");
    return 0; /* APPn, COM */
}

/* What a marker that is neither a segment read here nor SOS/EOI means. */
static int refuse_marker(int m, char *why, size_t whylen) {
    if (m >= 0xc3 && m <= 0xcf && m != 0xc4 && m != 0xc8)
        return image_fail(why, whylen, "unsupported JPEG (a lossless, hierarchical or "
                          "arithmetic-coded frame, SOF%d)", m - 0xc0);
    return image_fail(why, whylen, "corrupt JPEG (marker FF %02X where it cannot be)", m);
}

static bool known_segment(int m) {
    return m == 0xc4 || m == 0xdb || m == 0xdd || (m >= 0xc0 && m <= 0xc2) || m == 0xdc ||
           (m >= 0xe0 && m <= 0xef) || m == 0xfe;
}

static int walk(jpeg_state *s, char *why, size_t whylen) {
    size_t pos = 2;
    int scans = 0;
    for (;;) {
        int m = 0;
        if (next_marker(s, &pos, &m, why, whylen) != 0)
            return -1;
        if (m == 0xd9)
            break;
        int status;
        if (m == 0xda && s->frame) {
            size_t n = 0;
            if (segment_length(s, pos, &n, why, whylen) != 0)
                return -1;
            size_t data = pos + 2 + n;
            status = read_sos(s, s->b + pos + 2, n, &data, why, whylen);
            pos = data;
            scans++;
        } else if (known_segment(m)) {
            status = read_segment(s, m, &pos, why, whylen);
        } else {
            status = refuse_marker(m, why, whylen);
        }
        if (status != 0)
            return -1;
    }
    if (!s->frame || scans == 0)
        return image_fail(why, whylen, "corrupt JPEG (no %s before its end)", s->frame ? "scan" : "frame");
    for (int i = 0; i < s->ncomp; i++)
        if (!s->comp[i].coded)
            return image_fail(why, whylen, "corrupt JPEG (component %d is never coded)", s->comp[i].id);
    return 0;
}

int jpeg_check(const uint8_t *b, size_t len, int *w, int *h, char *why, size_t whylen) {
    jpeg_state *s = calloc(1, sizeof *s);
    if (!s)
        return image_fail(why, whylen, "out of memory checking it");
    s->b = b, s->len = len;
    int status = walk(s, why, whylen);
    *w = (int)s->width, *h = (int)s->height;
    for (int i = 0; i < 4; i++)
        free(s->nonzero[i]);
    free(s);
    return status;
}
