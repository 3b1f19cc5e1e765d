/* See resize.h. Coordinates are in units of 1/(S*side) of the crop: source
 * pixel s covers [s*S, (s+1)*S) and output pixel o covers
 * [o*side, (o+1)*side), so every overlap is a whole number and the sums are
 * exact; one division at the end rounds. */
#include "data/resize.h"

#include <stdlib.h>
#include <string.h>

#include "vaevk/dataset.h"

void crop_square(int w, int h, int crop, int *side, int *x0, int *y0) {
    int largest = w < h ? w : h;
    int s = largest;
    if (crop == VAE_CROP_AUTO && w == VAE_CELEBA_WIDTH && h == VAE_CELEBA_HEIGHT)
        s = VAE_CELEBA_CROP;
    else if (crop > 0 && crop < largest)
        s = crop;
    *side = s;
    *x0 = (w - s) / 2;
    *y0 = (h - s) / 2;
}

/* Overlap of source pixel s with output pixel o. */
static inline long overlap(long s, long o, long S, long side) {
    long lo = s * S > o * side ? s * S : o * side;
    long hi = (s + 1) * S < (o + 1) * side ? (s + 1) * S : (o + 1) * side;
    return hi > lo ? hi - lo : 0;
}

/* One source row summed into S output columns: hrow (S, 3) = sum_s w * row. */
static void row_sums(uint32_t *hrow, const uint8_t *row, int S, int side) {
    for (int o = 0; o < S; o++) {
        uint32_t sum[3] = {0, 0, 0};
        long first = (long)o * side / S, last = ((long)(o + 1) * side - 1) / S;
        for (long s = first; s <= last; s++) {
            uint32_t wgt = (uint32_t)overlap(s, o, S, side); /* <= S */
            for (int c = 0; c < 3; c++)
                sum[c] += wgt * row[s * 3 + c];
        }
        memcpy(hrow + o * 3, sum, sizeof sum);
    }
}

int area_resize(uint8_t *out, int S, const uint8_t *src, int w, int x0, int y0, int side) {
    uint64_t *acc = calloc((size_t)S * S * 3, sizeof *acc);
    uint32_t *hrow = malloc((size_t)S * 3 * sizeof *hrow);
    if (!acc || !hrow) {
        free(acc);
        free(hrow);
        return -1;
    }
    /* each source row adds into the one or two output rows it overlaps */
    for (long t = 0; t < side; t++) {
        row_sums(hrow, src + ((size_t)(y0 + t) * w + x0) * 3, S, side);
        long first = t * S / side, last = ((t + 1) * S - 1) / side;
        for (long o = first; o <= last; o++) {
            uint64_t wgt = (uint64_t)overlap(t, o, S, side);
            uint64_t *a = acc + (size_t)o * S * 3;
            for (int k = 0; k < S * 3; k++)
                a[k] += wgt * hrow[k];
        }
    }
    const uint64_t area = (uint64_t)side * side; /* total weight of each output pixel */
    for (size_t k = 0; k < (size_t)S * S * 3; k++)
        out[k] = (uint8_t)((acc[k] + area / 2) / area);
    free(acc);
    free(hrow);
    return 0;
}
