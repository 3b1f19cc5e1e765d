/* The machine the fast backend runs on: its processor's name, its cores,
 * and which kernels suit it. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fast/fast_internal.h"
#include "fast/fast_kernels.h"
#include "fast/fast_profile.h"
#include "fast/fast_threads.h"

void fast_cpu_name(char *out, size_t len) {
    snprintf(out, len, "unknown processor");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (!v)
            break;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t n = strcspn(v, "\n");
        snprintf(out, len, "%.*s", (int)n, v);
        break;
    }
    fclose(f);
}

int vae_fast_threads(int threads) {
    if (threads > 0)
        return threads;
    /* the cores this process may run on (taskset, cgroups), else all online */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void vae_fast_describe(char *out, size_t len) {
    char cpu[128];
    fast_cpu_name(cpu, sizeof cpu);
    int n = vae_fast_threads(0);
    snprintf(out, len, "%s, %d core%s, %s kernels", cpu, n, n == 1 ? "" : "s", fast_kernels_pick()->name);
}

/* VAEVK_CPU_KERNELS=generic forces the plain-C kernels (tests run both). */
const fast_kernels *fast_kernels_pick(void) {
    const char *force = getenv("VAEVK_CPU_KERNELS");
    if (force && strcmp(force, "generic") == 0)
        return &fast_kernels_generic;
    const fast_kernels *k = fast_kernels_avx2();
    return k ? k : &fast_kernels_generic;
}

typedef struct {
    const fast_kernels *k;
    long iterations;
    float sink;
} peak_ctx;

static void peak_range(void *ctx, int64_t begin, int64_t end) {
    peak_ctx *c = ctx;
    float sink = 0;
    for (int64_t i = begin; i < end; i++)
        c->k->peak(c->iterations, &sink);
    c->sink += sink * 0; /* the threads race on it harmlessly: it only has to be read */
}

double vae_fast_peak_gflops(int threads) {
    peak_ctx c = {fast_kernels_pick(), 1000, 0};
    threads = vae_fast_threads(threads);
    fast_pool *pool = fast_pool_create(threads);
    if (!pool)
        return 0;
    /* grow until one run takes a tenth of a second, then time three on every thread */
    double seconds = 0, best = 0;
    for (int tries = 0; tries < 40 && seconds < 0.1; tries++) {
        c.iterations *= 2;
        double start = fast_now();
        c.k->peak(c.iterations, &c.sink);
        seconds = fast_now() - start;
    }
    for (int run = 0; run < 3; run++) {
        double start = fast_now();
        fast_parallel_for(pool, threads, 1, peak_range, &c);
        double rate = (double)threads * (double)c.iterations * FAST_PEAK_FLOPS / (fast_now() - start);
        best = rate > best ? rate : best;
    }
    fast_pool_destroy(pool);
    return best * 1e-9;
}
