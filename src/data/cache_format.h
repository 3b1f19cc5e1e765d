/* The dataset cache file: every image of a folder decoded, cropped and
 * resized once, stored so training can memory-map it.
 *
 *   [header, 4096 bytes][images: count x (64,64,3) uint8 NHWC]
 *   [chunk checksums: nchunks x u64][skipped files: names_len bytes of text]
 *
 * The header (little-endian, fixed offsets, see cache_format.c) holds a
 * magic and version, the image size, the count, the crop, the signature of
 * the folder it came from (scan_signature) and the offsets of the parts,
 * and its own checksum over itself, the chunk table and the names. Images
 * start on a page boundary. Each chunk of CACHE_CHUNK_IMAGES images has
 * its own checksum (hash64 seeded with the chunk's number, so swapped
 * chunks are caught too), verified the first time the chunk is read. */
#ifndef VAEVK_DATA_CACHE_FORMAT_H
#define VAEVK_DATA_CACHE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_MAGIC "VAEVKIMG"
#define CACHE_VERSION 1
#define CACHE_HEADER_BYTES 4096
#define CACHE_CHUNK_IMAGES 1024 /* 12 MiB: a chunk is verified in a few ms */

typedef struct {
    uint32_t version, side, channels, chunk_images;
    int32_t crop;
    uint64_t count, files, skipped;
    uint64_t signature;    /* of the source folder's file list and crop */
    uint64_t table_offset; /* chunk checksums */
    uint64_t names_offset, names_len;
    uint64_t file_size;
    uint64_t header_hash;  /* over the header's fields, the table and the names */
} cache_header;

uint64_t cache_chunk_count(uint64_t count);
/* Fills in the offsets and file size for h->count images and names_len. */
void cache_header_layout(cache_header *h);
void cache_header_encode(const cache_header *h, uint8_t out[CACHE_HEADER_BYTES]);
/* The checksum the header must hold, from its encoded bytes, the chunk
 * table and the names. */
uint64_t cache_header_hash(const uint8_t *encoded, const uint8_t *table, const uint8_t *names,
                           uint64_t names_len, uint64_t nchunks);
/* Decodes and checks the header's own consistency (magic, version, sizes,
 * offsets). 0, or -1 with what is wrong (a phrase, no path) in why. */
int cache_header_decode(cache_header *h, const uint8_t in[CACHE_HEADER_BYTES], char *why,
                        size_t whylen);
/* The checksum of chunk k's bytes. */
uint64_t cache_chunk_hash(const uint8_t *images, size_t bytes, uint64_t chunk);

/* The header of the cache at path, checked against the file's size (the
 * checksums are not read). 0, or -1 when it is no usable cache. */
int cache_peek(const char *path, cache_header *h);

#endif
