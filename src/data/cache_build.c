/* See cache_build.h. Worker threads claim files in order and decode each
 * into a ring of slots; the calling thread writes the slots out in file
 * order (so image i is the i-th usable file, whatever thread decoded it),
 * hashing each chunk as it goes. Workers run at most RING files ahead of
 * the writer, so memory stays small for any folder. A build first removes
 * the temporary files of builds of the same cache that died (killed, out
 * of power): nothing else ever would, and each can be as large as the
 * cache. */
#include "data/cache_build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "data/cache_format.h"
#include "data/decode.h"
#include "data/hash64.h"

#define RING 256
#define MAX_THREADS 64

enum { SLOT_EMPTY, SLOT_IMAGE, SLOT_FAILED };

typedef struct {
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    char why[160];
    int state;
} slot;

typedef struct {
    const char *dir;
    const scan_list *list;
    int crop;
    slot *ring;
    long next_claim, next_write; /* under lock */
    int stop;
    pthread_mutex_t lock;
    pthread_cond_t ready, space;
} build_job;

static void *decode_worker(void *arg) {
    build_job *j = arg;
    char path[8192];
    for (;;) {
        pthread_mutex_lock(&j->lock);
        while (!j->stop && j->next_claim < j->list->n && j->next_claim >= j->next_write + RING)
            pthread_cond_wait(&j->space, &j->lock);
        if (j->stop || j->next_claim >= j->list->n) {
            pthread_mutex_unlock(&j->lock);
            return NULL;
        }
        long i = j->next_claim++;
        pthread_mutex_unlock(&j->lock);
        slot *s = &j->ring[i % RING];
        snprintf(path, sizeof path, "%s/%s", j->dir, j->list->e[i].path);
        int ok = decode_image_file(path, j->crop, s->rgb, s->why, sizeof s->why) == 0;
        pthread_mutex_lock(&j->lock);
        s->state = ok ? SLOT_IMAGE : SLOT_FAILED;
        pthread_cond_signal(&j->ready);
        pthread_mutex_unlock(&j->lock);
    }
}

/* What the writer accumulates besides the file itself. */
typedef struct {
    FILE *f;
    uint64_t images;
    hash64 chunk;
    uint64_t *table;
    char *names;
    size_t names_len;
    long skipped;
} writer;

static int write_image(writer *w, const uint8_t *rgb) {
    if (w->images % CACHE_CHUNK_IMAGES == 0)
        hash64_init(&w->chunk, w->images / CACHE_CHUNK_IMAGES + 1); /* as cache_chunk_hash */
    hash64_update(&w->chunk, rgb, VAE_DATA_IMAGE_BYTES);
    w->images++;
    if (w->images % CACHE_CHUNK_IMAGES == 0)
        w->table[w->images / CACHE_CHUNK_IMAGES - 1] = hash64_final(&w->chunk);
    return fwrite(rgb, VAE_DATA_IMAGE_BYTES, 1, w->f) == 1 ? 0 : -1;
}

/* Takes slots in file order until every file is written or a write fails. */
static int write_images(build_job *j, writer *w, const vae_data_options *o) {
    char what[64];
    snprintf(what, sizeof what, "decoding %ld images", j->list->n);
    for (long i = 0; i < j->list->n; i++) {
        slot *s = &j->ring[i % RING];
        pthread_mutex_lock(&j->lock);
        while (s->state == SLOT_EMPTY)
            pthread_cond_wait(&j->ready, &j->lock);
        pthread_mutex_unlock(&j->lock);
        int status = 0;
        if (s->state == SLOT_IMAGE) {
            status = write_image(w, s->rgb);
        } else {
            w->skipped++;
            status = text_append_line(&w->names, &w->names_len, j->list->e[i].path, s->why);
        }
        pthread_mutex_lock(&j->lock);
        s->state = SLOT_EMPTY;
        j->next_write = i + 1;
        j->stop = status != 0;
        pthread_cond_broadcast(&j->space);
        pthread_mutex_unlock(&j->lock);
        if (status != 0)
            return -1;
        if (o->progress && ((i + 1) % 64 == 0 || i + 1 == j->list->n))
            o->progress(o->progress_ctx, what, i + 1, j->list->n);
    }
    if (w->images % CACHE_CHUNK_IMAGES != 0)
        w->table[w->images / CACHE_CHUNK_IMAGES] = hash64_final(&w->chunk);
    return 0;
}

static int decode_all(const char *dir, const scan_list *list, const vae_data_options *o,
                      writer *w) {
    build_job j = {.dir = dir, .list = list, .crop = o->crop};
    j.ring = calloc(RING, sizeof *j.ring);
    if (!j.ring)
        return -1;
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.ready, NULL);
    pthread_cond_init(&j.space, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = o->threads > 0 ? o->threads : cores > 0 ? (int)cores : 1;
    threads = threads > MAX_THREADS ? MAX_THREADS : threads;
    pthread_t tid[MAX_THREADS];
    int started = 0;
    while (started < threads && pthread_create(&tid[started], NULL, decode_worker, &j) == 0)
        started++;
    int status = started > 0 ? write_images(&j, w, o) : -1;
    pthread_mutex_lock(&j.lock);
    j.stop = 1;
    pthread_cond_broadcast(&j.space);
    pthread_mutex_unlock(&j.lock);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&j.ready);
    pthread_cond_destroy(&j.space);
    pthread_mutex_destroy(&j.lock);
    free(j.ring);
    return status;
}

/* The table and names after the images, then the header at the front. */
static int finish_file(writer *w, cache_header *h) {
    uint64_t nchunks = cache_chunk_count(w->images);
    uint8_t *table = malloc(nchunks ? (size_t)(8 * nchunks) : 1);
    if (!table)
        return -1;
    for (uint64_t k = 0; k < nchunks; k++)
        for (int b = 0; b < 8; b++)
            table[8 * k + (uint64_t)b] = (uint8_t)(w->table[k] >> (8 * b));
    h->count = w->images;
    h->skipped = (uint64_t)w->skipped;
    h->names_len = w->names_len;
    cache_header_layout(h);
    uint8_t raw[CACHE_HEADER_BYTES];
    cache_header_encode(h, raw);
    h->header_hash = cache_header_hash(raw, table, (const uint8_t *)w->names, w->names_len, nchunks);
    cache_header_encode(h, raw);
    int status = (nchunks && fwrite(table, 8 * nchunks, 1, w->f) != 1) ||
                 (w->names_len && fwrite(w->names, w->names_len, 1, w->f) != 1) ||
                 fseek(w->f, 0, SEEK_SET) != 0 || fwrite(raw, sizeof raw, 1, w->f) != 1 ||
                 fflush(w->f) != 0 || fsync(fileno(w->f)) != 0;
    free(table);
    return status ? -1 : 0;
}

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int start_writer(writer *w, const scan_list *list, const char *tmp) {
    memset(w, 0, sizeof *w);
    w->table = calloc((size_t)cache_chunk_count((uint64_t)list->n) + 1, sizeof *w->table);
    if (!w->table)
        return -1;
    if (list->problems) { /* folders and files the listing could not read come first */
        if (!(w->names = malloc(list->problem_len + 1)))
            return -1;
        memcpy(w->names, list->problem_list, list->problem_len + 1);
        w->names_len = list->problem_len;
        w->skipped = list->problems;
    }
    static const uint8_t placeholder[CACHE_HEADER_BYTES];
    if (!(w->f = fopen(tmp, "wb")))
        return -1;
    setvbuf(w->f, NULL, _IOFBF, 1 << 20);
    return fwrite(placeholder, sizeof placeholder, 1, w->f) == 1 ? 0 : -1;
}

/* The process id in a temporary name "BASE.tmp.PID" of out_path's base
 * name, or 0 when name is no such name. */
static long temp_owner(const char *name, const char *base) {
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
        return 0;
    const char *digits = name + n + 5;
    long pid = 0;
    if (*digits == '0')
        return 0; /* never written so */
    for (const char *p = digits; *p; p++) {
        if (*p < '0' || *p > '9' || p - digits >= 10)
            return 0;
        pid = 10 * pid + (*p - '0');
    }
    return pid <= INT_MAX ? pid : 0;
}

/* Removes out_path.tmp.PID files whose process is gone: a build killed
 * before its rename. A live process's file is its build in progress
 * (kill(pid, 0) succeeds, or fails with EPERM for another user's), and
 * stays. PIDs are per machine: a cache on a folder shared with another
 * machine that is building it at this moment could lose its file there. */
static void remove_dead_temps(const char *out_path) {
    char dir[4200];
    const char *slash = strrchr(out_path, '/'), *base = slash ? slash + 1 : out_path;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out_path) + 1 : 1,
             slash ? out_path : ".");
    DIR *d = opendir(dir);
    if (!d)
        return; /* the build's own write will say what is wrong with the folder */
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = temp_owner(de->d_name, base);
        struct stat st;
        if (pid <= 0 || pid == (long)getpid() ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
            unlinkat(dirfd(d), de->d_name, 0); /* best effort: a failure only leaves it */
    }
    closedir(d);
}

int cache_build_list(const char *dir, const scan_list *list, uint64_t signature,
                     const char *out_path, const vae_data_options *o, vae_cache_summary *summary,
                     char *err, size_t errlen) {
    memset(summary, 0, sizeof *summary);
    double t0 = seconds_now();
    char tmp[4200]; /* per process: two commands building one cache never share it */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out_path, (long)getpid());
    remove_dead_temps(out_path);
    writer w;
    cache_header h = {.crop = o->crop, .files = (uint64_t)list->n, .signature = signature};
    errno = 0;
    int status = start_writer(&w, list, tmp);
    if (status == 0)
        status = decode_all(dir, list, o, &w);
    if (status == 0)
        status = finish_file(&w, &h);
    int saved_errno = errno;
    if (w.f && fclose(w.f) != 0 && status == 0)
        status = -1, saved_errno = errno;
    if (status == 0 && rename(tmp, out_path) != 0)
        status = -1, saved_errno = errno;
    if (status != 0) {
        snprintf(err, errlen, "cannot write the cache %s: %s", out_path,
                 saved_errno ? strerror(saved_errno) : "out of memory");
        unlink(tmp);
        free(w.names);
    } else {
        summary->files = list->n;
        summary->images = (long)w.images;
        summary->skipped = w.skipped;
        summary->skipped_list = w.names;
        summary->seconds = seconds_now() - t0;
    }
    free(w.table);
    return status;
}
