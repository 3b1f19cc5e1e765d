/* Image files as model inputs for interpolate and traverse, read exactly as
 * a dataset folder's images are (src/data/decode.h: stb_image, the run's
 * centred-square crop, area resize to 64x64), so a file given on the
 * command line is what the model would have seen in training. */
#ifndef VAEVK_VIZ_IMAGE_FILE_H
#define VAEVK_VIZ_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads PATH into (64, 64, 3) with a crop setting (VAE_CROP_AUTO, ...,
 * vaevk/dataset.h). 0, or -1 with one line in err. */
int image_file_load(const char *path, int crop, uint8_t *out, char *err, size_t errlen);
// out (64, 64, 3)

#endif
