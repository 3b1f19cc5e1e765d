/* One-line error messages into a caller-provided buffer, for the data
 * layer and for the safetensors reader and writer (src/io). */
#ifndef VAEVK_DATA_FAIL_H
#define VAEVK_DATA_FAIL_H

#include <stddef.h>

/* Formats the message into err (cut to errlen; paths can be long) and
 * returns -1, so `return data_fail(err, errlen, ...)` reports and fails. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int data_fail(char *err, size_t errlen, const char *fmt, ...);

#endif
