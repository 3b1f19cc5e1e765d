#include "viz/panels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/rng.h"
#include "viz/latent.h"
#include "viz/traverse.h"

#define IMAGE_BYTES ((size_t)64 * 64 * 3)

int viz_interpolation_images(vae_trainer *t, const uint8_t *a, const uint8_t *b, int pairs,
                             int steps, int slerp, uint8_t *out, char *err, size_t errlen) {
    const int L = t->lay.cfg.latent;
    float *mu = malloc((size_t)2 * pairs * L * sizeof *mu);
    float *lv = malloc((size_t)2 * pairs * L * sizeof *lv);
    float *z = malloc((size_t)pairs * steps * L * sizeof *z);
    uint8_t *ends = malloc((size_t)2 * pairs * IMAGE_BYTES);
    int status = -1;
    if (!mu || !lv || !z || !ends) {
        snprintf(err, errlen, "out of memory interpolating %d pairs", pairs);
        goto done;
    }
    /* one encode for all endpoints: the a's, then the b's */
    memcpy(ends, a, (size_t)pairs * IMAGE_BYTES);
    memcpy(ends + (size_t)pairs * IMAGE_BYTES, b, (size_t)pairs * IMAGE_BYTES);
    if (viz_encode(t, ends, 2 * pairs, mu, lv, err, errlen) != 0)
        goto done;
    for (int i = 0; i < pairs; i++)
        viz_interpolate(z + (size_t)i * steps * L, mu + (size_t)i * L,
                        mu + (size_t)(pairs + i) * L, L, steps, slerp);
    status = viz_decode(t, z, pairs * steps, out, err, errlen);
done:
    free(mu);
    free(lv);
    free(z);
    free(ends);
    return status;
}

int viz_reconstruction_images(vae_trainer *t, const uint8_t *orig, int n, uint8_t *out,
                              char *err, size_t errlen) {
    const int L = t->lay.cfg.latent;
    float *mu = malloc((size_t)n * L * sizeof *mu), *lv = malloc((size_t)n * L * sizeof *lv);
    uint8_t *rec = malloc((size_t)n * IMAGE_BYTES);
    int status = -1;
    if (!mu || !lv || !rec)
        snprintf(err, errlen, "out of memory reconstructing %d images", n);
    else if (viz_encode(t, orig, n, mu, lv, err, errlen) == 0 &&
             viz_decode(t, mu, n, rec, err, errlen) == 0) {
        for (int i = 0; i < n; i++) {
            memcpy(out + (size_t)(2 * i) * IMAGE_BYTES, orig + (size_t)i * IMAGE_BYTES, IMAGE_BYTES);
            memcpy(out + (size_t)(2 * i + 1) * IMAGE_BYTES, rec + (size_t)i * IMAGE_BYTES,
                   IMAGE_BYTES);
        }
        status = 0;
    }
    free(mu);
    free(lv);
    free(rec);
    return status;
}

int viz_traversal_images(vae_trainer *t, const float *base, const int *dims, int rows, int steps,
                         float range, uint8_t *out, char *err, size_t errlen) {
    const int L = t->lay.cfg.latent;
    float *z = malloc((size_t)rows * steps * L * sizeof *z);
    if (!z) {
        snprintf(err, errlen, "out of memory for a %dx%d traversal", rows, steps);
        return -1;
    }
    viz_traverse_latents(z, base, dims, rows, steps, range, L);
    int status = viz_decode(t, z, rows * steps, out, err, errlen);
    free(z);
    return status;
}

void viz_random_pairs(long *a, long *b, int pairs, long count, uint64_t seed) {
    for (int i = 0; i < pairs; i++) {
        uint64_t ra = vae_rng_u32(seed, VAE_STREAM_SAMPLE, 1, (uint32_t)(2 * i));
        uint64_t rb = vae_rng_u32(seed, VAE_STREAM_SAMPLE, 1, (uint32_t)(2 * i + 1));
        a[i] = (long)((ra * (uint64_t)count) >> 32);
        /* b uniform over the other count - 1 indices */
        long k = (long)((rb * (uint64_t)(count - 1)) >> 32);
        b[i] = k < a[i] ? k : k + 1;
    }
}
