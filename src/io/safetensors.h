// safetensors files: checkpoints and PyTorch reference fixtures.
//
// Layout: u64 little-endian header length N, N bytes of JSON header
// (name -> {"dtype", "shape", "data_offsets": [begin, end]}, plus an optional
// "__metadata__": {string: string}), then the data buffer. Offsets are
// relative to the first byte after the header.
//
// All functions return 0 on success and -1 on failure with one line of
// explanation in err (naming the file, the problem and what to do).
#ifndef VAEVK_IO_SAFETENSORS_H
#define VAEVK_IO_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#define ST_MAX_NAME 128          // bytes including the terminating NUL
#define ST_MAX_DIMS 8
#define ST_MAX_HEADER (100u << 20) // larger headers are corruption, not data

typedef struct {
    char name[ST_MAX_NAME];
    char dtype[8];               // "F32", "F64", "I64", "U8", ...
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    size_t begin, end;           // byte range within st_file.data
} st_tensor;

typedef struct {
    char *path;                  // as given to st_read, for error messages
    st_tensor *tensors;          // sorted by begin, i.e. in file order
    int count;
    char **meta_keys, **meta_values;
    int meta_count;
    uint8_t *data;               // the whole data buffer (malloc-aligned)
    size_t data_size;
} st_file;

// Reads and fully validates the file. On failure *out is left empty
// (st_free on it is harmless).
int st_read(const char *path, st_file *out, char *err, size_t errlen);
void st_free(st_file *f);

const st_tensor *st_find(const st_file *f, const char *name);  // NULL if absent
const char *st_meta(const st_file *f, const char *key);         // NULL if absent
size_t st_dtype_size(const char *dtype);                        // 0 if unknown

// Tensor bytes are not necessarily aligned for their dtype (a U8 tensor of
// odd length shifts everything after it): memcpy out of this pointer.
static inline const void *st_data(const st_file *f, const st_tensor *t) {
    return f->data + t->begin;
}

// Looks up name and checks its dtype and shape (ndim < 0: any shape).
// Returns NULL with a message like "ckpt.safetensors: tensor 'fc_mu.weight'
// has shape (128, 4096) but (64, 4096) was expected; ...".
const st_tensor *st_expect(const st_file *f, const char *name, const char *dtype,
                           int ndim, const int64_t *shape, char *err, size_t errlen);

// Writer. Tensor data is copied by st_writer_add, so the caller may reuse its
// buffers at once. A failed add or meta is remembered: later calls are
// ignored and st_writer_save reports the first error, so callers may check
// only the result of save.
typedef struct st_writer st_writer;

st_writer *st_writer_new(void);  // NULL only when out of memory
int st_writer_add(st_writer *w, const char *name, const char *dtype, int ndim,
                  const int64_t *shape, const void *data, size_t nbytes);
int st_writer_meta(st_writer *w, const char *key, const char *value);
const char *st_writer_error(const st_writer *w);  // "" while all is well

// Tensors go in the order added, contiguous, after a header padded with
// spaces so the data starts 8-byte aligned. Saving is atomic: PATH.tmp is
// written, flushed and fsynced, renamed over PATH, then the directory is
// fsynced. On failure PATH is untouched and PATH.tmp is removed.
int st_writer_save(st_writer *w, const char *path, char *err, size_t errlen);
void st_writer_free(st_writer *w);

#endif
