#include <stdlib.h>

#include "vk/vk_hazard.h"

static int overlap(const vk_access *a, const vk_access *b) {
    return a->buffer == b->buffer && a->begin < b->end && b->begin < a->end;
}

int vk_hazards_conflict(const vk_hazards *h, const vk_access *a, int n) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < h->count; j++)
            if ((a[i].written || h->pending[j].written) && overlap(&a[i], &h->pending[j]))
                return 1;
    return 0;
}

int vk_hazards_add(vk_hazards *h, const vk_access *a, int n) {
    if (h->count + n > h->capacity) {
        int cap = h->capacity ? 2 * h->capacity : 32;
        while (cap < h->count + n)
            cap *= 2;
        vk_access *p = realloc(h->pending, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        h->pending = p, h->capacity = cap;
    }
    for (int i = 0; i < n; i++)
        h->pending[h->count++] = a[i];
    return 0;
}

void vk_hazards_clear(vk_hazards *h) { h->count = 0; }

void vk_hazards_free(vk_hazards *h) {
    free(h->pending);
    h->pending = NULL;
    h->count = h->capacity = 0;
}
