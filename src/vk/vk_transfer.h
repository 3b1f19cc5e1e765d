/* Host <-> arena copies and fills that go through the queue: for arenas the
 * host cannot map, and for zero-filling them. Each is one small command
 * buffer, ordered after everything submitted before it and before
 * everything after it, submitted and waited for. */
#ifndef VAEVK_VK_TRANSFER_H
#define VAEVK_VK_TRANSFER_H

#include "vk/vk_memory.h"

int vk_transfer_init(vk_context *ctx, vk_memory *mem, char *err, size_t errlen);
void vk_transfer_free(vk_context *ctx, vk_memory *mem);
/* Zeroes the whole arena (in place when mapped). */
int vk_transfer_zero(vk_context *ctx, vk_memory *mem, vk_arena *ar, char *err, size_t errlen);

#endif
