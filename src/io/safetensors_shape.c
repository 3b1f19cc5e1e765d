// What the reader and the writer share: dtype sizes and shape arithmetic.
#include "io/safetensors_shape.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "io/safetensors.h"

static const struct { const char *name; size_t size; } dtypes[] = {
    {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2},
    {"I64", 8}, {"I32", 4}, {"I16", 2}, {"I8", 1},
    {"U64", 8}, {"U32", 4}, {"U16", 2}, {"U8", 1},
    {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1},
};

size_t st_dtype_size(const char *dtype) {
    for (size_t i = 0; dtype && i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (strcmp(dtype, dtypes[i].name) == 0) return dtypes[i].size;
    return 0;
}

// "(32, 3, 4, 4)"; "()" for a scalar.
const char *st_fmt_shape(char *buf, size_t len, int ndim, const int64_t *shape) {
    size_t k = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, i ? ", %" PRId64 : "%" PRId64, shape[i]);
    if (k < len) snprintf(buf + k, len - k, ")");
    return buf;
}

// Bytes needed for ndim dims of elem bytes each; -1 if that overflows size_t.
// A zero dim makes the tensor empty whatever the other dims are.
int st_byte_count(size_t elem, int ndim, const int64_t *shape, size_t *out) {
    for (int i = 0; i < ndim; i++)
        if (shape[i] == 0) { *out = 0; return 0; }
    size_t n = elem;
    for (int i = 0; i < ndim; i++) {
        if ((uint64_t)shape[i] > SIZE_MAX / n) return -1;
        n *= (size_t)shape[i];
    }
    *out = n;
    return 0;
}

