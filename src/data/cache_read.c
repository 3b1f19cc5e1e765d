/* A cache file as a dataset: the file is memory-mapped, so opening costs
 * nothing however large it is and the OS pages images in as they are read.
 * Its header is checked at open; each chunk's checksum the first time one
 * of its images is read (a few ms for 12 MiB), so a damaged cache is named
 * before any of its damaged images reaches the model, without reading the
 * whole file up front. ds->verify checks every chunk at once. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/cache_format.h"
#include "data/fail.h"
#include "vaevk/dataset.h"

/* What to do about a damaged cache, ending every message about one. */
#define CACHE_FIX \
    "delete it and make it again from its folder (vae-vk dataset prepare DIR, or --data DIR)"

enum { CHUNK_UNCHECKED, CHUNK_GOOD, CHUNK_BAD };

typedef struct {
    vae_dataset base;
    cache_header h;
    const uint8_t *map;
    size_t map_len;
    uint64_t nchunks;
    _Atomic unsigned char *chunk_state;
    char *names;
    pthread_mutex_t error_lock;
} cache_dataset;

static void set_error(cache_dataset *c, uint64_t chunk) {
    uint64_t first = chunk * CACHE_CHUNK_IMAGES, last = first + CACHE_CHUNK_IMAGES - 1;
    if (last >= c->h.count)
        last = c->h.count - 1;
    pthread_mutex_lock(&c->error_lock);
    data_fail(c->base.error, sizeof c->base.error,
              "%s is corrupted: images %llu..%llu fail their checksum; " CACHE_FIX, c->base.path,
              (unsigned long long)first,
             (unsigned long long)last);
    pthread_mutex_unlock(&c->error_lock);
}

static uint64_t table_entry(const cache_dataset *c, uint64_t k) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | c->map[c->h.table_offset + 8 * k + (uint64_t)i];
    return v;
}

/* 0 when chunk k matches its checksum (checked once), else -1. */
static int check_chunk(cache_dataset *c, uint64_t k) {
    unsigned char state = atomic_load(&c->chunk_state[k]);
    if (state == CHUNK_UNCHECKED) {
        /* two threads may both hash a chunk the first time: same answer */
        uint64_t first = k * CACHE_CHUNK_IMAGES, n = c->h.count - first;
        if (n > CACHE_CHUNK_IMAGES)
            n = CACHE_CHUNK_IMAGES;
        const uint8_t *images = c->map + CACHE_HEADER_BYTES + first * VAE_DATA_IMAGE_BYTES;
        int good = cache_chunk_hash(images, n * VAE_DATA_IMAGE_BYTES, k) == table_entry(c, k);
        state = good ? CHUNK_GOOD : CHUNK_BAD;
        atomic_store(&c->chunk_state[k], state);
    }
    if (state == CHUNK_BAD) {
        set_error(c, k);
        return -1;
    }
    return 0;
}

static int cache_read(vae_dataset *ds, long index, uint8_t *rgb) {
    cache_dataset *c = (cache_dataset *)ds;
    if (index < 0 || (uint64_t)index >= c->h.count) {
        pthread_mutex_lock(&c->error_lock);
        data_fail(ds->error, sizeof ds->error, "%s has %ld images; image %ld does not exist",
                 ds->path, ds->count, index);
        pthread_mutex_unlock(&c->error_lock);
        return -1;
    }
    if (check_chunk(c, (uint64_t)index / CACHE_CHUNK_IMAGES) != 0)
        return -1;
    memcpy(rgb, c->map + CACHE_HEADER_BYTES + (size_t)index * VAE_DATA_IMAGE_BYTES,
           VAE_DATA_IMAGE_BYTES);
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
    if (c->map)
        munmap((void *)c->map, c->map_len);
    free((void *)c->chunk_state);
    free(c->names);
    pthread_mutex_destroy(&c->error_lock);
    free(c);
}

/* Reads and checks the header against the file's real size. */
static int read_header(int fd, const char *path, cache_header *h, off_t *size, char *err,
                       size_t errlen) {
    struct stat st;
    uint8_t raw[CACHE_HEADER_BYTES];
    char why[160];
    if (fstat(fd, &st) != 0) {
        data_fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    *size = st.st_size;
    ssize_t got = pread(fd, raw, sizeof raw, 0);
    if (got < 8 || memcmp(raw, CACHE_MAGIC, 8) != 0) {
        data_fail(err, errlen, "%s is neither a folder nor a vae-vk dataset cache", path);
        return -1;
    }
    if (got < (ssize_t)sizeof raw) {
        data_fail(err, errlen, "%s is truncated inside its header; " CACHE_FIX, path);
        return -1;
    }
    if (cache_header_decode(h, raw, why, sizeof why) != 0) {
        data_fail(err, errlen, "%s %s; " CACHE_FIX, path, why);
        return -1;
    }
    if ((uint64_t)st.st_size != h->file_size) {
        data_fail(err, errlen, "%s is %s: %lld bytes where its header says %llu; " CACHE_FIX, path,
                 (uint64_t)st.st_size < h->file_size ? "truncated" : "damaged (too long)",
                 (long long)st.st_size, (unsigned long long)h->file_size);
        return -1;
    }
    return 0;
}

/* The header's checksum covers the chunk table and the skipped names. */
static int check_header_hash(cache_dataset *c, char *err, size_t errlen) {
    uint8_t raw[CACHE_HEADER_BYTES];
    cache_header_encode(&c->h, raw);
    uint64_t want = cache_header_hash(raw, c->map + c->h.table_offset, c->map + c->h.names_offset,
                                      c->h.names_len, c->nchunks);
    if (want != c->h.header_hash) {
        data_fail(err, errlen, "%s is corrupted: its header, chunk table or list of skipped files "
                  "fails its checksum; "
                 CACHE_FIX, c->base.path);
        return -1;
    }
    return 0;
}

static int map_cache(cache_dataset *c, int fd, char *err, size_t errlen) {
    c->map_len = (size_t)c->h.file_size;
    void *map = mmap(NULL, c->map_len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        data_fail(err, errlen, "cannot map %s into memory: %s", c->base.path, strerror(errno));
        return -1;
    }
    c->map = map;
    c->nchunks = cache_chunk_count(c->h.count);
    c->chunk_state = calloc(c->nchunks ? (size_t)c->nchunks : 1, 1);
    c->names = malloc((size_t)c->h.names_len + 1);
    if (!c->chunk_state || !c->names) {
        data_fail(err, errlen, "out of memory opening %s", c->base.path);
        return -1;
    }
    memcpy(c->names, c->map + c->h.names_offset, (size_t)c->h.names_len);
    c->names[c->h.names_len] = 0;
    return check_header_hash(c, err, errlen);
}

int vae_cache_open(const char *path, vae_dataset **out, char *err, size_t errlen) {
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        data_fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    cache_dataset *c = calloc(1, sizeof *c);
    off_t size;
    if (!c) {
        data_fail(err, errlen, "out of memory opening %s", path);
        close(fd);
        return -1;
    }
    pthread_mutex_init(&c->error_lock, NULL);
    snprintf(c->base.path, sizeof c->base.path, "%s", path);
    int status = read_header(fd, path, &c->h, &size, err, errlen);
    if (status == 0)
        status = map_cache(c, fd, err, errlen);
    close(fd); /* the mapping stays */
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
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    off_t size;
    char err[32];
    int status = read_header(fd, path, h, &size, err, sizeof err);
    close(fd);
    return status;
}
