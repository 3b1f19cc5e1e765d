#include "viz/image_file.h"

#include <stdio.h>

#include "data/decode.h"

int image_file_load(const char *path, int crop, uint8_t *out, char *err, size_t errlen) {
    char why[400];
    if (decode_image_file(path, crop, out, why, sizeof why) == 0)
        return 0;
    snprintf(err, errlen, "cannot read image %s: %s", path, why);
    return -1;
}
