#include "vaevk/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/rng.h"
#include "vaevk/synthetic.h"

typedef struct {
    vae_dataset base;
    uint64_t seed;
} synthetic_dataset;

static int synthetic_read(vae_dataset *ds, long index, uint8_t *rgb) {
    synth_face(rgb, ((synthetic_dataset *)ds)->seed, (uint32_t)index);
    return 0;
}

static void synthetic_close(vae_dataset *ds) { free(ds); }

int vae_dataset_open(const char *spec, long synthetic_count, uint64_t seed, vae_dataset **out,
                     char *err, size_t errlen) {
    if (strcmp(spec, "synthetic") == 0) {
        synthetic_dataset *s = calloc(1, sizeof *s);
        if (!s) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->base.count = synthetic_count;
        s->base.read = synthetic_read;
        s->base.close = synthetic_close;
        s->seed = seed;
        snprintf(s->base.description, sizeof s->base.description,
                 "synthetic faces (%ld, seed %llu)", synthetic_count, (unsigned long long)seed);
        *out = &s->base;
        return 0;
    }
    snprintf(err, errlen, "unknown dataset '%s': only 'synthetic' is available in this build", spec);
    return -1;
}

void vae_dataset_close(vae_dataset *ds) {
    if (ds)
        ds->close(ds);
}

void vae_dataset_shuffle(long *order, long n, uint64_t seed, uint32_t epoch) {
    for (long i = 0; i < n; i++)
        order[i] = i;
    for (long i = n - 1; i > 0; i--) {
        uint64_t r = (uint64_t)vae_rng_u32(seed, VAE_STREAM_SHUFFLE, epoch, (uint32_t)i);
        long j = (long)((r * (uint64_t)(i + 1)) >> 32); /* uniform in [0, i] */
        long t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

int vae_dataset_read_batch(vae_dataset *ds, const long *order, long first, int n, uint8_t *rgb) {
    const size_t image = 64 * 64 * 3;
    for (int i = 0; i < n; i++)
        if (ds->read(ds, order ? order[first + i] : first + i, rgb + (size_t)i * image) != 0)
            return -1;
    return 0;
}
