#include "io/file_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *file_write_hint(int err) {
    switch (err) {
    case ENOENT: case ENOTDIR: return "; check that the output directory exists";
    case EACCES: case EPERM: case EROFS: return "; check that the output directory is writable";
    case ENOSPC: case EDQUOT: return "; free some disk space";
    default: return "";
    }
}

int file_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen) {
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp", path);
    errno = 0;
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL;
    int e = errno;
    if (ok && fwrite(data, 1, len, f) != len)
        ok = 0, e = errno ? errno : EIO;
    if (f && fclose(f) != 0 && ok)
        ok = 0, e = errno;
    if (ok && rename(tmp, path) != 0)
        ok = 0, e = errno;
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s%s", path, strerror(e), file_write_hint(e));
        remove(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}
