/* The barrier decisions of src/vk/vk_hazard.c, without a device: which
 * pairs of accesses must be ordered (read after write, write after read,
 * write after write on overlapping words of one buffer) and which may run
 * alongside (reads of the same words, disjoint ranges, other buffers). */
#include <stdio.h>

#include "vk/vk_hazard.h"

static int fails;

static void expect(int got, int want, const char *what) {
    printf("%-4s %-58s barrier %s\n", got == want ? "ok" : "FAIL", what, got ? "yes" : "no");
    fails += got != want;
}

static vk_access acc(uint32_t buffer, uint64_t begin, uint64_t end, int written) {
    return (vk_access){buffer, begin, end, written};
}

/* Is a barrier needed before b, with only a pending? */
static int after(vk_access a, vk_access b) {
    vk_hazards h = {0};
    if (vk_hazards_add(&h, &a, 1) != 0) {
        printf("FAIL out of memory\n");
        fails++;
    }
    int c = vk_hazards_conflict(&h, &b, 1);
    vk_hazards_free(&h);
    return c;
}

int main(void) {
    expect(after(acc(4, 0, 100, 1), acc(4, 50, 60, 0)), 1, "read after write, inside");
    expect(after(acc(4, 0, 100, 0), acc(4, 99, 200, 1)), 1, "write after read, one word shared");
    expect(after(acc(4, 0, 100, 1), acc(4, 0, 100, 1)), 1, "write after write, same range");
    expect(after(acc(4, 0, 100, 1), acc(4, 100, 200, 1)), 0, "write after write, adjacent ranges");
    expect(after(acc(4, 0, 100, 0), acc(4, 0, 100, 0)), 0, "read after read");
    expect(after(acc(4, 0, 100, 1), acc(3, 0, 100, 1)), 0, "same words of another arena");
    expect(after(acc(VK_SCRATCH_BUFFER, 0, 10, 1), acc(VK_SCRATCH_BUFFER, 5, 6, 0)), 1,
           "scratch read after write");

    /* a chain: two independent writers, then a reader of both, then after
     * the barrier only what came since counts */
    vk_hazards h = {0};
    vk_access w1 = acc(1, 0, 64, 1), w2 = acc(1, 64, 128, 1), r[2] = {acc(1, 0, 64, 0), acc(1, 64, 128, 0)};
    vk_hazards_add(&h, &w1, 1);
    expect(vk_hazards_conflict(&h, &w2, 1), 0, "second writer of disjoint words runs alongside");
    vk_hazards_add(&h, &w2, 1);
    expect(vk_hazards_conflict(&h, r, 2), 1, "reader of both waits");
    vk_hazards_clear(&h);
    vk_hazards_add(&h, r, 2);
    expect(vk_hazards_conflict(&h, r, 2), 0, "after the barrier: a second reader runs alongside");
    expect(vk_hazards_conflict(&h, &w1, 1), 1, "after the barrier: overwriting what is read waits");
    /* growth past the first allocation keeps everything */
    for (int i = 0; i < 100; i++) {
        vk_access a = acc(2, (uint64_t)i * 10, (uint64_t)i * 10 + 10, 0);
        vk_hazards_add(&h, &a, 1);
    }
    vk_access last = acc(2, 995, 996, 1);
    expect(vk_hazards_conflict(&h, &last, 1), 1, "102 pending ranges, the last one still seen");
    vk_hazards_free(&h);
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
