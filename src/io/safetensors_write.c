// safetensors writer: tensors in the order added, an 8-byte aligned data
// start, saved atomically (temp file, fsync, rename, fsync of the directory).
#include "io/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "data/fail.h"
#include "io/file_write.h"
#include "io/safetensors_shape.h"

/* ------------------------------------------------------------------ writer */

typedef struct {
    char name[ST_MAX_NAME];
    char dtype[8];
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    uint8_t *data;
    size_t nbytes;
} wtensor;

struct st_writer {
    wtensor *t;
    int count, cap;
    char **mkey, **mval;
    int mcount, mcap;
    char error[512];  // first failure of add/meta; save reports it
};

#define WFAIL(w, ...) data_fail((w)->error, sizeof (w)->error, __VA_ARGS__)

st_writer *st_writer_new(void) {
    return calloc(1, sizeof(st_writer));
}

const char *st_writer_error(const st_writer *w) {
    return w->error;
}

static int grow(void **p, int *cap, int need, size_t elem) {
    if (need <= *cap) return 0;
    int n = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int check_add(st_writer *w, const char *name, const char *dtype, int ndim,
                     const int64_t *shape, const void *data, size_t nbytes) {
    if (!name || !*name || strlen(name) >= ST_MAX_NAME)
        return WFAIL(w, "tensor name '%.40s' is empty or longer than %d bytes — choose a "
                     "shorter name", name ? name : "(null)", ST_MAX_NAME - 1);
    if (strcmp(name, "__metadata__") == 0)
        return WFAIL(w, "tensor name '__metadata__' is reserved by the format — choose another");
    for (int i = 0; i < w->count; i++)
        if (strcmp(w->t[i].name, name) == 0)
            return WFAIL(w, "tensor '%s' added twice — each name may appear once", name);
    size_t esize = st_dtype_size(dtype);
    if (esize == 0)
        return WFAIL(w, "tensor '%s': unknown dtype '%.16s' — use F32, F64, I64, U32, U8, ...",
                     name, dtype ? dtype : "(null)");
    if (ndim < 0 || ndim > ST_MAX_DIMS || (ndim > 0 && !shape))
        return WFAIL(w, "tensor '%s': %d dims, but 0..%d with a shape array are supported",
                     name, ndim, ST_MAX_DIMS);
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0)
            return WFAIL(w, "tensor '%s': shape dim %d is negative (%" PRId64 ")", name, i, shape[i]);
    size_t need = 0;
    char sh[160];
    st_fmt_shape(sh, sizeof sh, ndim, shape);
    if (st_byte_count(esize, ndim, shape, &need))
        return WFAIL(w, "tensor '%s': shape %s overflows the byte count", name, sh);
    if (need != nbytes || (nbytes && !data))
        return WFAIL(w, "tensor '%s': %s %s needs %zu bytes but %zu%s were given", name, dtype,
                     sh, need, nbytes, data ? "" : " (NULL)");
    return 0;
}

int st_writer_add(st_writer *w, const char *name, const char *dtype, int ndim,
                  const int64_t *shape, const void *data, size_t nbytes) {
    if (w->error[0] || check_add(w, name, dtype, ndim, shape, data, nbytes)) return -1;
    if (grow((void **)&w->t, &w->cap, w->count + 1, sizeof *w->t))
        return WFAIL(w, "out of memory adding tensor '%s'", name);
    wtensor *t = &w->t[w->count];
    memset(t, 0, sizeof *t);
    if (!(t->data = malloc(nbytes ? nbytes : 1)))
        return WFAIL(w, "out of memory copying %zu bytes of tensor '%s'", nbytes, name);
    if (nbytes) memcpy(t->data, data, nbytes);
    strcpy(t->name, name);
    strcpy(t->dtype, dtype);
    t->ndim = ndim;
    if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
    t->nbytes = nbytes;
    w->count++;
    return 0;
}

int st_writer_meta(st_writer *w, const char *key, const char *value) {
    if (w->error[0]) return -1;
    if (!key || !value)
        return WFAIL(w, "metadata key or value is NULL (key '%s')", key ? key : "(null)");
    for (int i = 0; i < w->mcount; i++)
        if (strcmp(w->mkey[i], key) == 0)
            return WFAIL(w, "metadata key '%s' set twice — each key may appear once", key);
    int c1 = w->mcap, c2 = w->mcap;
    if (grow((void **)&w->mkey, &c1, w->mcount + 1, sizeof(char *)) ||
        grow((void **)&w->mval, &c2, w->mcount + 1, sizeof(char *)))
        return WFAIL(w, "out of memory adding metadata '%s'", key);
    w->mcap = c1;  // both arrays grew to the same capacity
    w->mkey[w->mcount] = strdup(key);
    w->mval[w->mcount] = strdup(value);
    if (!w->mkey[w->mcount] || !w->mval[w->mcount]) {
        free(w->mkey[w->mcount]);
        free(w->mval[w->mcount]);
        return WFAIL(w, "out of memory adding metadata '%s'", key);
    }
    w->mcount++;
    return 0;
}

void st_writer_free(st_writer *w) {
    if (!w) return;
    for (int i = 0; i < w->count; i++) free(w->t[i].data);
    for (int i = 0; i < w->mcount; i++) {
        free(w->mkey[i]);
        free(w->mval[i]);
    }
    free(w->t);
    free(w->mkey);
    free(w->mval);
    free(w);
}

static json_object *tensor_json(const wtensor *t, size_t begin) {
    json_object *e = json_object_new_object(), *shape = json_object_new_array();
    json_object *offs = json_object_new_array();
    if (!e || !shape || !offs) {
        json_object_put(e);
        json_object_put(shape);
        json_object_put(offs);
        return NULL;
    }
    for (int i = 0; i < t->ndim; i++) json_object_array_add(shape, json_object_new_int64(t->shape[i]));
    json_object_array_add(offs, json_object_new_int64((int64_t)begin));
    json_object_array_add(offs, json_object_new_int64((int64_t)(begin + t->nbytes)));
    json_object_object_add(e, "dtype", json_object_new_string(t->dtype));
    json_object_object_add(e, "shape", shape);
    json_object_object_add(e, "data_offsets", offs);
    return e;
}

// The JSON header (json-c keeps insertion order, so tensors stay in the
// order added); NULL when out of memory.
static char *header_json(const st_writer *w) {
    json_object *root = json_object_new_object();
    if (!root) return NULL;
    int bad = 0;
    if (w->mcount) {
        json_object *m = json_object_new_object();
        for (int i = 0; m && i < w->mcount; i++)
            json_object_object_add(m, w->mkey[i], json_object_new_string(w->mval[i]));
        bad |= !m || json_object_object_add(root, "__metadata__", m);
    }
    size_t off = 0;
    for (int i = 0; i < w->count && !bad; i++) {
        json_object *e = tensor_json(&w->t[i], off);
        bad |= !e || json_object_object_add(root, w->t[i].name, e);
        off += w->t[i].nbytes;
    }
    const char *s = bad ? NULL : json_object_to_json_string_ext(root,
                                     JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = s ? strdup(s) : NULL;
    json_object_put(root);
    return copy;
}

// Writes the whole file to tmp and syncs it; removes tmp on failure.
static int write_tmp(const st_writer *w, const char *tmp, const char *path, const char *json,
                     char *err, size_t errlen) {
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        int e = errno;
        return data_fail(err, errlen, "%s: not saved: cannot create %s: %s%s", path, tmp, strerror(e),
                         file_write_hint(e));
    }
    size_t jlen = strlen(json), hlen = (jlen + 7) / 8 * 8;  // data starts 8-byte aligned
    uint8_t len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (uint8_t)((uint64_t)hlen >> (8 * i));
    int ok = fwrite(len8, 1, 8, fp) == 8 && fwrite(json, 1, jlen, fp) == jlen &&
             fwrite("        ", 1, hlen - jlen, fp) == hlen - jlen;
    for (int i = 0; i < w->count && ok; i++)
        ok = fwrite(w->t[i].data, 1, w->t[i].nbytes, fp) == w->t[i].nbytes;
    ok = ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    int saved = errno;
    if (fclose(fp) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok) return 0;
    unlink(tmp);
    return data_fail(err, errlen, "%s: not saved: writing %s failed: %s%s", path, tmp, strerror(saved),
                     file_write_hint(saved));
}

// Makes the rename itself durable. A filesystem that cannot sync
// directories (EINVAL) is not an error.
static int sync_dir(const char *path, char *err, size_t errlen) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir) return data_fail(err, errlen, "%s: saved, but out of memory syncing its directory", path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY), rc = 0;
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        rc = data_fail(err, errlen, "%s: saved, but syncing directory %s failed: %s — the new file may "
                  "not survive a power loss; check the disk", path, dir, strerror(errno));
    if (fd >= 0) close(fd);
    free(dir);
    return rc;
}

int st_writer_save(st_writer *w, const char *path, char *err, size_t errlen) {
    if (w->error[0]) return data_fail(err, errlen, "%s: not saved: %s", path, w->error);
    char *json = header_json(w);
    char *tmp = malloc(strlen(path) + 5);
    int rc = 0;
    if (!json || !tmp)
        rc = data_fail(err, errlen, "%s: not saved: out of memory building the header", path);
    else {
        sprintf(tmp, "%s.tmp", path);
        rc = write_tmp(w, tmp, path, json, err, errlen);
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = data_fail(err, errlen, "%s: not saved: cannot rename %s over it: %s — check that the path "
                  "is not a directory and its directory is writable", path, tmp, strerror(errno));
        unlink(tmp);
    }
    if (rc == 0) rc = sync_dir(path, err, errlen);
    free(json);
    free(tmp);
    return rc;
}
