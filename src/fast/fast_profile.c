/* VAEVK_PROFILE=1 on the fast backend: wall time of every op of a
 * recording, summed over its submissions and printed when it is freed,
 * with the products' GFLOP/s. */
#include "fast/fast_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fast_profile_wanted(void) {
    const char *v = getenv("VAEVK_PROFILE");
    return v && strcmp(v, "1") == 0;
}

double fast_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    char label[96];
    double seconds, flops;
    int count;
} row;

static int by_time(const void *a, const void *b) {
    double x = ((const row *)a)->seconds, y = ((const row *)b)->seconds;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Multiply-adds of a product, counted as two flops each. */
static double flops(const vae_op *op) {
    vae_op_size size;
    char err[128];
    if (vae_op_info_of(op->kind)->family != VAE_FAMILY_PRODUCT || vae_op_size_of(op, &size, err, sizeof err) != 0)
        return 0;
    return 2.0 * size.work * size.terms;
}

void fast_profile_report(const fast_step *steps, const double *seconds, int count, int submissions) {
    row *rows = calloc(count ? (size_t)count : 1, sizeof *rows);
    if (!rows || submissions == 0) {
        free(rows);
        return;
    }
    int n = 0;
    double total = 0;
    for (int i = 0; i < count; i++) {
        char label[96], sizes[64];
        vae_op_sizes_text(&steps[i].op, sizes, sizeof sizes);
        snprintf(label, sizeof label, "%s %s%s", vae_op_name(steps[i].op.kind), sizes,
                 steps[i].run ? "" : " (reference)");
        int j = 0;
        while (j < n && strcmp(rows[j].label, label) != 0)
            j++;
        if (j == n)
            rows[n++] = (row){{0}, 0, 0, 0}, memcpy(rows[j].label, label, sizeof label);
        rows[j].seconds += seconds[i] / submissions;
        rows[j].flops += flops(&steps[i].op);
        rows[j].count++;
        total += seconds[i] / submissions;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_time);
    fprintf(stderr, "vae-vk profile: %d ops, %d submissions, %.3f ms per submission\n", count, submissions,
            total * 1e3);
    for (int j = 0; j < n; j++) {
        fprintf(stderr, "  %-72s %3d x %9.3f ms %5.1f%%", rows[j].label, rows[j].count, rows[j].seconds * 1e3,
                total > 0 ? 100 * rows[j].seconds / total : 0.0);
        if (rows[j].flops > 0 && rows[j].seconds > 0)
            fprintf(stderr, " %7.1f GFLOP/s", rows[j].flops / rows[j].seconds * 1e-9);
        fputc('\n', stderr);
    }
    free(rows);
}
