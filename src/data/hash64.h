/* A fast 64-bit checksum for dataset caches: four independent lanes over
 * 8-byte little-endian words, each word mixed by an invertible map (xor of
 * an odd multiple, rotate, odd multiply), so any change confined to one
 * word is always detected, and wider damage is missed with probability
 * about 2^-64. Not cryptographic: it guards against disks and truncation,
 * not against someone forging a cache. */
#ifndef VAEVK_DATA_HASH64_H
#define VAEVK_DATA_HASH64_H

#include <stddef.h>
#include <stdint.h>

#define HASH64_BLOCK 32 /* bytes consumed per round of the four lanes */

typedef struct {
    uint64_t lane[4];
    uint64_t length;
} hash64;

void hash64_init(hash64 *h, uint64_t seed);
/* Feeds len bytes; len must be a multiple of HASH64_BLOCK except on the
 * last call before hash64_final (the tail is zero-padded, and the length
 * is mixed in, so padding cannot be confused with data). */
void hash64_update(hash64 *h, const void *data, size_t len);
uint64_t hash64_final(const hash64 *h);
/* init + update + final on one buffer of any length. */
uint64_t hash64_bytes(const void *data, size_t len, uint64_t seed);

#endif
