/* Drawing faces from a model into PNG grids, shared by train and sample. */
#ifndef VAEVK_CLI_FACES_H
#define VAEVK_CLI_FACES_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/train.h"

/* z (n, L) ~ N(0, temperature²·I) from the SAMPLE stream of seed. */
void sample_latents(float *z, int n, int latent, uint64_t seed, float temperature);
/* Decodes z ~ N(0, T²I) in chunks of the trainer's batch and writes a grid
 * of n faces, `cols` wide. 0 or -1 + err. */
int write_sample_grid(vae_trainer *t, uint64_t seed, float temperature, int n, int cols,
                      int scale, const char *path, char *err, size_t errlen);

#endif
