/* Model parameters stored in a safetensors file under their state_dict
 * names (checkpoints, PyTorch reference steps). */
#ifndef VAEVK_IO_PARAMS_FILE_H
#define VAEVK_IO_PARAMS_FILE_H

#include <stddef.h>

#include "io/safetensors.h"
#include "vaevk/model.h"

/* Fills arena (t->total floats, padding zeroed) from the F32 tensors named
 * prefix + each parameter's name, each checked against its shape. 0, or -1
 * with one line in err naming the file and the tensor. */
int vae_params_from_file(const st_file *f, const vae_param_table *t, const char *prefix,
                         float *arena, char *err, size_t errlen);

#endif
