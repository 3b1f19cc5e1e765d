// Shape helpers shared by the safetensors reader and writer.
#ifndef VAEVK_IO_SAFETENSORS_SHAPE_H
#define VAEVK_IO_SAFETENSORS_SHAPE_H

#include <stddef.h>
#include <stdint.h>

// "(32, 3, 4, 4)"; "()" for a scalar. Returns buf.
const char *st_fmt_shape(char *buf, size_t len, int ndim, const int64_t *shape);
// Bytes needed for ndim dims of elem bytes each; -1 if that overflows size_t.
// A zero dim makes the tensor empty whatever the other dims are.
int st_byte_count(size_t elem, int ndim, const int64_t *shape, size_t *out);

#endif
