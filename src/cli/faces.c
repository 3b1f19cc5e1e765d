#include "cli/faces.h"

#include <stdio.h>
#include <stdlib.h>

#include "io/image.h"
#include "vaevk/rng.h"

void sample_latents(float *z, int n, int latent, uint64_t seed, float temperature) {
    vae_rng_normal_fill(z, (uint32_t)(n * latent), seed, VAE_STREAM_SAMPLE, 0, 0);
    for (int i = 0; i < n * latent; i++)
        z[i] *= temperature;
}

int write_sample_grid(vae_trainer *t, uint64_t seed, float temperature, int n, int cols,
                      int scale, const char *path, char *err, size_t errlen) {
    const int L = t->lay.cfg.latent, S = VAE_IMAGE_SIZE;
    const size_t image = (size_t)3 * S * S;
    float *z = malloc((size_t)n * L * sizeof *z);
    float *xhat = malloc((size_t)n * image * sizeof *xhat);
    uint8_t *rgb = malloc((size_t)n * image);
    int status = -1;
    if (!z || !xhat || !rgb) {
        snprintf(err, errlen, "out of memory for %d samples", n);
        goto done;
    }
    sample_latents(z, n, L, seed, temperature);
    for (int first = 0; first < n; first += t->lay.batch) {
        int k = n - first < t->lay.batch ? n - first : t->lay.batch;
        if (vae_trainer_decode(t, z + (size_t)first * L, k, xhat + (size_t)first * image) != 0) {
            snprintf(err, errlen, "decoding failed: %s", t->be->error);
            goto done;
        }
    }
    images_from_float(rgb, xhat, n, S);
    status = grid_write_png(path, rgb, n, S, cols, 1, scale, err, errlen);
done:
    free(z);
    free(xhat);
    free(rgb);
    return status;
}
