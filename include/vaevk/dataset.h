/* A dataset is anything that can produce image i as (64,64,3) uint8. */
#ifndef VAEVK_DATASET_H
#define VAEVK_DATASET_H

#include <stddef.h>
#include <stdint.h>

typedef struct vae_dataset vae_dataset;
struct vae_dataset {
    long count;
    char description[256];
    /* Writes image `index` (0 <= index < count) as (64,64,3) HWC. 0 or -1. */
    int (*read)(vae_dataset *ds, long index, uint8_t *rgb);
    void (*close)(vae_dataset *ds);
};

/* "synthetic" (count faces of the built-in generator from seed). Other specs
 * are image folders and caches. 0 or -1 + err. */
int vae_dataset_open(const char *spec, long synthetic_count, uint64_t seed, vae_dataset **out,
                     char *err, size_t errlen);
void vae_dataset_close(vae_dataset *ds);

/* The permutation of [0, n) for `epoch`, from the SHUFFLE stream. */
void vae_dataset_shuffle(long *order, long n, uint64_t seed, uint32_t epoch);
/* Reads images order[first..first+n) into rgb (n,64,64,3). */
int vae_dataset_read_batch(vae_dataset *ds, const long *order, long first, int n, uint8_t *rgb);

#endif
