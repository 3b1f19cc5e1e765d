/* A cache file as a dataset, read with pread(): opening reads the header,
 * the chunk table and the skipped names, however large the file is, and the
 * OS's page cache keeps the images once read. The header is checked at
 * open; each chunk's checksum the first time one of its images is read (a
 * few ms for 12 MiB), so a damaged cache is named before any of its damaged
 * images reaches the model, without reading the whole file up front.
 * ds->verify checks every chunk at once.
 *
 * The file is read, never memory-mapped: a cache cut short while in use
 * (another program truncating it, a copy over it still running) makes a
 * read come back short, which is reported as a damaged cache naming the
 * file, where touching a mapping past the new end would kill the process
 * with SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/cache_format.h"
#include "data/fail.h"
#include "data/hash64.h"
#include "vaevk/dataset.h"

/* What to do about a damaged cache, ending every message about one. */
#define CACHE_FIX \
    "delete it and make it again from its folder (vae-vk dataset prepare DIR, or --data DIR)"

/* Chunks are hashed through a buffer of this many bytes (a multiple of
 * HASH64_BLOCK), not read whole. */
#define HASH_PIECE (256 * 1024)

enum { CHUNK_UNCHECKED, CHUNK_GOOD, CHUNK_BAD };

typedef struct {
    vae_dataset base;
    cache_header h;
    int fd;
    uint64_t nchunks;
    uint8_t *table; /* the chunk checksums, u64 little-endian each */
    _Atomic unsigned char *chunk_state;
    char *names;
    pthread_mutex_t error_lock;
} cache_dataset;

/* Sets ds->error; reads run on several threads at once. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void read_fail(cache_dataset *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&c->error_lock);
    vsnprintf(c->base.error, sizeof c->base.error, fmt, ap);
    pthread_mutex_unlock(&c->error_lock);
    va_end(ap);
}

/* Reads n bytes at offset: 0, or -1 with errno set when the file ends
 * first (errno 0: it is shorter than the header says) or a read fails. */
static int read_at(int fd, void *buf, size_t n, uint64_t offset) {
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = pread(fd, p, n, (off_t)offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = 0;
            return -1;
        }
        p += got, n -= (size_t)got, offset += (uint64_t)got;
    }
    return 0;
}

/* The message for a failed read_at of images first..last. */
static void images_unreadable(cache_dataset *c, uint64_t first, uint64_t last) {
    char which[64];
    if (first == last)
        snprintf(which, sizeof which, "image %llu", (unsigned long long)first);
    else
        snprintf(which, sizeof which, "images %llu..%llu", (unsigned long long)first,
                 (unsigned long long)last);
    if (errno == 0)
        read_fail(c, "%s is truncated (cut short while in use): %s can no longer be read; "
                  CACHE_FIX, c->base.path, which);
    else
        read_fail(c, "cannot read %s of %s: %s; if this persists, " CACHE_FIX, which,
                  c->base.path, strerror(errno));
}

static uint64_t table_entry(const cache_dataset *c, uint64_t k) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | c->table[8 * k + (uint64_t)i];
    return v;
}

/* The checksum of chunk k's bytes as the file holds them now: 0, or -1
 * (read_fail called) when they cannot be read. */
static int hash_chunk(cache_dataset *c, uint64_t k, uint64_t first, uint64_t n, uint64_t *out) {
    uint8_t *piece = malloc(HASH_PIECE);
    if (!piece) {
        read_fail(c, "out of memory checking %s", c->base.path);
        return -1;
    }
    uint64_t offset = CACHE_HEADER_BYTES + first * VAE_DATA_IMAGE_BYTES;
    uint64_t left = n * VAE_DATA_IMAGE_BYTES;
    hash64 h;
    hash64_init(&h, k + 1); /* as cache_chunk_hash */
    int status = 0;
    while (left > 0 && status == 0) {
        size_t take = left < HASH_PIECE ? (size_t)left : HASH_PIECE;
        status = read_at(c->fd, piece, take, offset);
        if (status != 0)
            images_unreadable(c, first, first + n - 1);
        else
            hash64_update(&h, piece, take);
        offset += take, left -= take;
    }
    free(piece);
    *out = hash64_final(&h);
    return status;
}

/* 0 when chunk k matches its checksum (hashed the first time), else -1. */
static int check_chunk(cache_dataset *c, uint64_t k) {
    unsigned char state = atomic_load(&c->chunk_state[k]);
    if (state == CHUNK_GOOD)
        return 0;
    uint64_t first = k * CACHE_CHUNK_IMAGES, n = c->h.count - first;
    if (n > CACHE_CHUNK_IMAGES)
        n = CACHE_CHUNK_IMAGES;
    if (state == CHUNK_UNCHECKED) {
        /* two threads may both hash a chunk the first time: same answer */
        uint64_t hash;
        if (hash_chunk(c, k, first, n, &hash) != 0)
            return -1; /* unreadable now, maybe not for good: not marked */
        state = hash == table_entry(c, k) ? CHUNK_GOOD : CHUNK_BAD;
        atomic_store(&c->chunk_state[k], state);
    }
    if (state == CHUNK_BAD) {
        read_fail(c, "%s is corrupted: images %llu..%llu fail their checksum; " CACHE_FIX,
                  c->base.path, (unsigned long long)first, (unsigned long long)(first + n - 1));
        return -1;
    }
    return 0;
}

static int cache_read(vae_dataset *ds, long index, uint8_t *rgb) {
    cache_dataset *c = (cache_dataset *)ds;
    if (index < 0 || (uint64_t)index >= c->h.count) {
        read_fail(c, "%s has %ld images; image %ld does not exist", ds->path, ds->count, index);
        return -1;
    }
    if (check_chunk(c, (uint64_t)index / CACHE_CHUNK_IMAGES) != 0)
        return -1;
    if (read_at(c->fd, rgb, VAE_DATA_IMAGE_BYTES,
                CACHE_HEADER_BYTES + (uint64_t)index * VAE_DATA_IMAGE_BYTES) != 0) {
        images_unreadable(c, (uint64_t)index, (uint64_t)index);
        return -1;
    }
    return 0;
}

static int cache_verify(vae_dataset *ds, vae_progress_fn progress, void *ctx) {
    cache_dataset *c = (cache_dataset *)ds;
    char what[64];
    snprintf(what, sizeof what, "verifying %llu chunks", (unsigned long long)c->nchunks);
    for (uint64_t k = 0; k < c->nchunks; k++) {
        if (check_chunk(c, k) != 0)
            return -1;
        if (progress)
            progress(ctx, what, (long)k + 1, (long)c->nchunks);
    }
    return 0;
}

static void cache_close(vae_dataset *ds) {
    cache_dataset *c = (cache_dataset *)ds;
    if (c->fd >= 0)
        close(c->fd);
    free(c->table);
    free((void *)c->chunk_state);
    free(c->names);
    pthread_mutex_destroy(&c->error_lock);
    free(c);
}

/* Reads and checks the header against the file's real size. */
static int read_header(int fd, const char *path, cache_header *h, char *err, size_t errlen) {
    struct stat st;
    uint8_t raw[CACHE_HEADER_BYTES];
    char why[160];
    if (fstat(fd, &st) != 0)
        return data_fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
    ssize_t got = pread(fd, raw, sizeof raw, 0);
    if (got < 0)
        return data_fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
    if (got < 8 || memcmp(raw, CACHE_MAGIC, 8) != 0)
        return data_fail(err, errlen, "%s is neither a folder nor a vae-vk dataset cache", path);
    if (got < (ssize_t)sizeof raw)
        return data_fail(err, errlen, "%s is truncated inside its header; " CACHE_FIX, path);
    if (cache_header_decode(h, raw, why, sizeof why) != 0)
        return data_fail(err, errlen, "%s %s; " CACHE_FIX, path, why);
    if ((uint64_t)st.st_size != h->file_size)
        return data_fail(err, errlen, "%s is %s: %lld bytes where its header says %llu; " CACHE_FIX,
                         path,
                         (uint64_t)st.st_size < h->file_size ? "truncated" : "damaged (too long)",
                         (long long)st.st_size, (unsigned long long)h->file_size);
    return 0;
}

/* The chunk table and the skipped names into memory, and the header's
 * checksum, which covers both, checked. */
static int read_tables(cache_dataset *c, char *err, size_t errlen) {
    c->nchunks = cache_chunk_count(c->h.count);
    size_t table_len = (size_t)(8 * c->nchunks);
    c->table = malloc(table_len ? table_len : 1);
    c->chunk_state = calloc(c->nchunks ? (size_t)c->nchunks : 1, 1);
    c->names = malloc((size_t)c->h.names_len + 1);
    if (!c->table || !c->chunk_state || !c->names)
        return data_fail(err, errlen, "out of memory opening %s", c->base.path);
    if (read_at(c->fd, c->table, table_len, c->h.table_offset) != 0 ||
        read_at(c->fd, c->names, (size_t)c->h.names_len, c->h.names_offset) != 0)
        return data_fail(err, errlen, "cannot read %s: %s; " CACHE_FIX, c->base.path,
                         errno ? strerror(errno) : "it was cut short while being opened");
    c->names[c->h.names_len] = 0;
    uint8_t raw[CACHE_HEADER_BYTES];
    cache_header_encode(&c->h, raw);
    uint64_t want = cache_header_hash(raw, c->table, (const uint8_t *)c->names, c->h.names_len,
                                      c->nchunks);
    if (want != c->h.header_hash)
        return data_fail(err, errlen, "%s is corrupted: its header, chunk table or list of skipped "
                         "files fails its checksum; " CACHE_FIX, c->base.path);
    return 0;
}

int vae_cache_open(const char *path, vae_dataset **out, char *err, size_t errlen) {
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return data_fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
    cache_dataset *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return data_fail(err, errlen, "out of memory opening %s", path);
    }
    c->fd = fd;
    pthread_mutex_init(&c->error_lock, NULL);
    snprintf(c->base.path, sizeof c->base.path, "%s", path);
    int status = read_header(fd, path, &c->h, err, errlen);
    if (status == 0)
        status = read_tables(c, err, errlen);
    if (status != 0) {
        cache_close(&c->base);
        return -1;
    }
    vae_dataset *ds = &c->base;
    ds->count = (long)c->h.count;
    ds->files = (long)c->h.files;
    ds->skipped = (long)c->h.skipped;
    ds->skipped_list = c->h.names_len ? c->names : NULL;
    ds->read = cache_read;
    ds->verify = cache_verify;
    ds->close = cache_close;
    snprintf(ds->description, sizeof ds->description, "%ld images of %s", ds->count, path);
    *out = ds;
    return 0;
}

/* The header of a cache without opening it; 0 when it is a readable cache. */
int cache_peek(const char *path, cache_header *h) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char err[32];
    int status = read_header(fd, path, h, err, sizeof err);
    close(fd);
    return status;
}
