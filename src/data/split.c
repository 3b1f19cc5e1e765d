/* The held-out validation split: a pure function of (count, fraction,
 * seed), so a resumed run, `reconstruct` and `dataset info` all see the
 * same split as the run that made it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vaevk/dataset.h"
#include "vaevk/rng.h"

static long held_out(long count, double fraction) {
    if (count <= 1)
        return 0;
    long n = (long)floor((double)count * fraction + 0.5);
    if (fraction > 0 && n == 0 && count >= 2)
        n = 1;
    return n < count ? n : count - 1; /* at least one image trains */
}

/* Marks the first nval of a SPLIT-stream permutation of [0, count). */
static int choose(char *is_val, long count, long nval, uint64_t seed) {
    long *perm = malloc((size_t)(count > 0 ? count : 1) * sizeof *perm);
    if (!perm)
        return -1;
    for (long i = 0; i < count; i++)
        perm[i] = i;
    for (long i = count - 1; i > 0; i--) {
        uint64_t r = vae_rng_u32(seed, VAE_STREAM_SPLIT, 0, (uint32_t)i);
        long j = (long)((r * (uint64_t)(i + 1)) >> 32); /* uniform in [0, i] */
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (long i = 0; i < nval; i++)
        is_val[perm[i]] = 1;
    free(perm);
    return 0;
}

int vae_split_make(vae_split *s, const vae_dataset *ds, double val_fraction, uint64_t seed,
                   char *err, size_t errlen) {
    const long count = ds->count;
    s->nval = held_out(count, val_fraction);
    if (ds->unbounded && val_fraction > 0) /* synthetic: fresh faces past the training set */
        s->nval = (long)floor((double)count * val_fraction + 0.5);
    s->ntrain = ds->unbounded ? count : count - s->nval;
    s->train = malloc((size_t)(s->ntrain > 0 ? s->ntrain : 1) * sizeof *s->train);
    s->val = malloc((size_t)(s->nval > 0 ? s->nval : 1) * sizeof *s->val);
    char *is_val = ds->unbounded ? NULL : calloc((size_t)(count > 0 ? count : 1), 1);
    int failed = !s->train || !s->val;
    if (!ds->unbounded && !failed)
        failed = !is_val || choose(is_val, count, s->nval, seed) != 0;
    if (failed) {
        free(is_val);
        vae_split_free(s);
        snprintf(err, errlen, "out of memory splitting %ld images", count);
        return -1;
    }
    if (ds->unbounded) {
        for (long i = 0; i < s->ntrain; i++)
            s->train[i] = i;
        for (long i = 0; i < s->nval; i++)
            s->val[i] = count + i;
        return 0;
    }
    long t = 0, v = 0;
    for (long i = 0; i < count; i++) {
        if (is_val[i])
            s->val[v++] = i;
        else
            s->train[t++] = i;
    }
    free(is_val);
    return 0;
}

void vae_split_free(vae_split *s) {
    free(s->train);
    free(s->val);
    s->train = s->val = NULL;
    s->ntrain = s->nval = 0;
}
