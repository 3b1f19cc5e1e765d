/* Fuzzing the dataset cache reader (src/data/cache_read.c). The input is a
 * mode byte, then a cache file:
 *   bit 0  set the header's checksum to match the file's (so mutations of
 *          the images, the chunk table and the names reach the readers
 *          instead of all stopping at the open's checksum);
 *   bit 1  the same for every chunk's checksum, first;
 *   bit 2  once opened, cut the file to (bits 3..7)/32 of its length, as
 *          another program truncating it in use would;
 * then every chunk's first image, the last image and one past it are
 * read and every chunk verified. Whatever the file, each call returns 0
 * or -1 with one line naming the file: never a crash (a truncated
 * memory-mapped cache used to die of SIGBUS here). */
#include "data/cache_format.h"
#include "fuzz_input.h"
#include "vaevk/dataset.h"

/* Rewrites the chunk checksums and/or the header checksum of a cache
 * whose header is consistent with its length; leaves others alone. */
static void repair(uint8_t *file, size_t size, int chunks, int header) {
    cache_header h;
    char why[160];
    if (size < CACHE_HEADER_BYTES || cache_header_decode(&h, file, why, sizeof why) != 0 ||
        h.file_size != size)
        return;
    uint64_t nchunks = cache_chunk_count(h.count);
    uint8_t *table = file + h.table_offset;
    for (uint64_t k = 0; chunks && k < nchunks; k++) {
        uint64_t first = k * CACHE_CHUNK_IMAGES, n = h.count - first;
        n = n > CACHE_CHUNK_IMAGES ? CACHE_CHUNK_IMAGES : n;
        uint64_t v = cache_chunk_hash(file + CACHE_HEADER_BYTES + first * VAE_DATA_IMAGE_BYTES,
                                      (size_t)(n * VAE_DATA_IMAGE_BYTES), k);
        for (int b = 0; b < 8; b++)
            table[8 * k + (uint64_t)b] = (uint8_t)(v >> (8 * b));
    }
    if (header) {
        cache_header_encode(&h, file);
        h.header_hash = cache_header_hash(file, table, file + h.names_offset, h.names_len, nchunks);
        cache_header_encode(&h, file);
    }
}

static void check_read(vae_dataset *ds, long i, const char *path) {
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    if (ds->read(ds, i, rgb) != 0)
        fuzz_check_error(ds->error, path, 1);
}

static void read_all_ways(vae_dataset *ds, const char *path) {
    for (long i = 0; i < ds->count; i += CACHE_CHUNK_IMAGES)
        check_read(ds, i, path);
    check_read(ds, ds->count - 1, path);
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    FUZZ_REQUIRE(ds->read(ds, ds->count, rgb) != 0, "image %ld past the end read", ds->count);
    if (ds->verify(ds, NULL, NULL) != 0)
        fuzz_check_error(ds->error, path, 1);
    FUZZ_REQUIRE(ds->skipped_list == NULL || strlen(ds->skipped_list) <= (size_t)1 << 40,
                 "skipped list");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    int mode = data[0];
    size_t n = size - 1;
    uint8_t *file = malloc(n ? n : 1);
    FUZZ_REQUIRE(file != NULL, "out of memory");
    memcpy(file, data + 1, n);
    repair(file, n, mode & 2, mode & 1);
    const char *path = fuzz_input_file(file, n, "cache");
    free(file);
    vae_dataset *ds = NULL;
    char err[1200] = "";
    if (vae_cache_open(path, &ds, err, sizeof err) != 0) {
        fuzz_check_error(err, path, 1);
        return 0;
    }
    if (mode & 4)
        FUZZ_REQUIRE(truncate(path, (off_t)(n * (size_t)(mode >> 3) / 32)) == 0, "truncating");
    read_all_ways(ds, path);
    vae_dataset_close(ds);
    return 0;
}
