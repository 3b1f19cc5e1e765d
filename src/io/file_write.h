/* Writing a file so that nothing is lost: the whole file to PATH.tmp, then
 * renamed over PATH, so PATH is always either the old file or the new one;
 * a failure removes the temp file and says what to do. */
#ifndef VAEVK_IO_FILE_WRITE_H
#define VAEVK_IO_FILE_WRITE_H

#include <stddef.h>

/* len bytes to path, atomically. 0, or -1 with one line in err:
 * "cannot write PATH: No space left on device; free some disk space". */
int file_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* What to do about a failed write's errno, as "; ..." ("" when nothing
 * useful can be said). */
const char *file_write_hint(int err);

#endif
