/* See cache_format.h. */
#include "data/cache_format.h"

#include <stdio.h>
#include <string.h>

#include "data/hash64.h"
#include "vaevk/dataset.h"

#define HASHED_BYTES 96 /* the header's fields before header_hash */

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

uint64_t cache_chunk_count(uint64_t count) {
    return (count + CACHE_CHUNK_IMAGES - 1) / CACHE_CHUNK_IMAGES;
}

void cache_header_layout(cache_header *h) {
    h->version = CACHE_VERSION;
    h->side = VAE_DATA_SIDE;
    h->channels = 3;
    h->chunk_images = CACHE_CHUNK_IMAGES;
    h->table_offset = CACHE_HEADER_BYTES + h->count * VAE_DATA_IMAGE_BYTES;
    h->names_offset = h->table_offset + 8 * cache_chunk_count(h->count);
    h->file_size = h->names_offset + h->names_len;
}

void cache_header_encode(const cache_header *h, uint8_t out[CACHE_HEADER_BYTES]) {
    memset(out, 0, CACHE_HEADER_BYTES);
    memcpy(out, CACHE_MAGIC, 8);
    put32(out + 8, h->version);
    put32(out + 12, h->side);
    put32(out + 16, h->channels);
    put32(out + 20, h->chunk_images);
    put32(out + 24, (uint32_t)h->crop);
    put64(out + 32, h->count);
    put64(out + 40, h->files);
    put64(out + 48, h->skipped);
    put64(out + 56, h->signature);
    put64(out + 64, h->table_offset);
    put64(out + 72, h->names_offset);
    put64(out + 80, h->names_len);
    put64(out + 88, h->file_size);
    put64(out + HASHED_BYTES, h->header_hash);
}

uint64_t cache_header_hash(const uint8_t *encoded, const uint8_t *table, const uint8_t *names,
                           uint64_t names_len, uint64_t nchunks) {
    uint64_t x = hash64_bytes(encoded, HASHED_BYTES, 0);
    x = hash64_bytes(table, (size_t)(8 * nchunks), x);
    return hash64_bytes(names, (size_t)names_len, x);
}

int cache_header_decode(cache_header *h, const uint8_t in[CACHE_HEADER_BYTES], char *why,
                        size_t whylen) {
    if (memcmp(in, CACHE_MAGIC, 8) != 0) {
        snprintf(why, whylen, "is not a vae-vk dataset cache (no %s magic)", CACHE_MAGIC);
        return -1;
    }
    h->version = get32(in + 8);
    if (h->version != CACHE_VERSION) {
        snprintf(why, whylen, "is a version %u cache; this build reads version %d", h->version,
                 CACHE_VERSION);
        return -1;
    }
    h->side = get32(in + 12);
    h->channels = get32(in + 16);
    h->chunk_images = get32(in + 20);
    h->crop = (int32_t)get32(in + 24);
    h->count = get64(in + 32);
    h->files = get64(in + 40);
    h->skipped = get64(in + 48);
    h->signature = get64(in + 56);
    h->table_offset = get64(in + 64);
    h->names_offset = get64(in + 72);
    h->names_len = get64(in + 80);
    h->file_size = get64(in + 88);
    h->header_hash = get64(in + HASHED_BYTES);
    cache_header expect = *h;
    cache_header_layout(&expect);
    int sane = h->count < (1ull << 40) && h->names_len < (1ull << 40); /* no overflow above */
    if (!sane || h->side != VAE_DATA_SIDE || h->channels != 3 ||
        h->chunk_images != CACHE_CHUNK_IMAGES || h->table_offset != expect.table_offset ||
        h->names_offset != expect.names_offset || h->file_size != expect.file_size) {
        snprintf(why, whylen, "has a damaged header (sizes and offsets disagree)");
        return -1;
    }
    return 0;
}

uint64_t cache_chunk_hash(const uint8_t *images, size_t bytes, uint64_t chunk) {
    return hash64_bytes(images, bytes, chunk + 1);
}
