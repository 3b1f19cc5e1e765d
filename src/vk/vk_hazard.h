/* Which dispatches need a barrier before them. A dispatch must wait for an
 * earlier one when it reads or writes words the earlier one wrote, or
 * writes words the earlier one read. Walking a program in order, the words
 * read and written since the last barrier are kept as ranges; a dispatch
 * that touches them in one of those ways gets a barrier (which orders and
 * makes visible everything before it), otherwise it may run alongside. */
#ifndef VAEVK_VK_HAZARD_H
#define VAEVK_VK_HAZARD_H

#include <stdint.h>

/* A range of words of one buffer; `buffer` is an arena (vaevk/tensor.h) or
 * VK_SCRATCH_BUFFER. */
#define VK_SCRATCH_BUFFER 100u

typedef struct {
    uint32_t buffer;
    uint64_t begin, end; /* words */
    int written;         /* the kernel may write it (its binding is not readonly) */
} vk_access;

typedef struct {
    vk_access *pending;  /* since the last barrier */
    int count, capacity;
} vk_hazards;

/* 1 when a dispatch with these accesses must wait for the pending ones. */
int vk_hazards_conflict(const vk_hazards *h, const vk_access *a, int n);
/* Records a dispatch's accesses as pending; -1 when out of memory. */
int vk_hazards_add(vk_hazards *h, const vk_access *a, int n);
/* After a barrier: nothing is pending. */
void vk_hazards_clear(vk_hazards *h);
void vk_hazards_free(vk_hazards *h);

#endif
