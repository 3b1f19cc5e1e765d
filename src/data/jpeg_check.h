/* The JPEG check's state, shared by its walk over marker segments
 * (jpeg_check.c) and its walk over a scan's entropy-coded data
 * (jpeg_scan.c). Terms are ITU T.81's: a frame (SOF) has components with
 * sampling factors H and V and a quantization table Tq; a scan (SOS) codes
 * some of them with DC table Td and AC table Ta, spectral selection Ss..Se
 * and successive approximation Ah, Al; blocks are 8x8; an MCU is one block
 * of a lone component, or H x V blocks of each component of an interleaved
 * scan; a restart interval (DRI) is a count of MCUs, each ended by an RSTm
 * marker. */
#ifndef VAEVK_DATA_JPEG_CHECK_H
#define VAEVK_DATA_JPEG_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define JPEG_FAST_BITS 9 /* codes this long or shorter are found by one lookup */

/* A canonical Huffman code from a DHT segment, ready for decoding. */
typedef struct {
    int defined;
    uint8_t symbols[256];
    uint16_t fast[1 << JPEG_FAST_BITS]; /* (length << 8 | symbol) by the next bits; 0: longer */
    int32_t first_code[17], first_index[17], count[17]; /* by code length */
} jpeg_huffman;

typedef struct {
    int id, h, v, tq;
    int64_t blocks_x, blocks_y; /* the component's blocks, for a scan of it alone */
    int coded;                  /* it has been in a scan (a DC one, when progressive) */
} jpeg_component;

typedef struct {
    const uint8_t *b;
    size_t len;
    jpeg_huffman dc[4], ac[4];
    int quant_defined[4];
    uint32_t quant_dc[4]; /* each table's DC step */
    uint32_t restart;     /* MCUs per restart interval, 0: none */
    int frame, progressive, ncomp, hmax, vmax;
    int64_t width, height, mcus_x, mcus_y;
    jpeg_component comp[4];
    /* progressive: for each component's blocks (raster order), which AC
     * coefficients (bit k: zigzag index k) are non-zero so far; their
     * refinement scans carry a bit for each */
    uint64_t *nonzero[4];
} jpeg_state;

typedef struct {
    int n;
    int comp[4], td[4], ta[4]; /* comp: index into jpeg_state.comp */
    int ss, se, ah, al;
} jpeg_scan;

/* The first byte of the next marker (FF, any fill FFs, a code other than
 * 00) at or after pos, passing over entropy-coded data: stuffed FF 00
 * pairs and, when skip_restarts, RSTm markers. len when the file ends
 * first. */
size_t jpeg_next_marker(const uint8_t *b, size_t len, size_t pos, int skip_restarts);

/* Walks the entropy-coded data of scan sc starting at *pos, decoding it
 * symbol by symbol as a decoder would (sequential, or any of the four
 * kinds of progressive scan), and leaves *pos at the first byte of the
 * marker that ends it. Every code must be in its table, every run within
 * its block or band, every block's data present (stb_image reads on past
 * the end of a scan's data with its bit count gone negative), every
 * restart marker where it belongs, and every coefficient, once summed,
 * dequantized or shifted, must fit in 16 bits, as it does in any JPEG of
 * 8-bit samples (stb_image sums DC values in an int that hostile data
 * overflows). 0, or -1 with the reason in why. */
int jpeg_scan_walk(jpeg_state *s, const jpeg_scan *sc, size_t *pos, char *why, size_t whylen);

#endif
