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

double vae_fast_peak_gflops(int threads) {
    const fast_kernels *k = fast_kernels_pick();
    threads = vae_fast_threads(threads);
    float sink = 0;
    long iterations = 1000;
    /* grow until one run takes a tenth of a second, then time three */
    double seconds = 0, best = 0;
    for (int tries = 0; tries < 40 && seconds < 0.1; tries++) {
        iterations *= 2;
        double start = fast_now();
        k->peak(iterations, &sink);
        seconds = fast_now() - start;
    }
    for (int run = 0; run < 3; run++) {
        double start = fast_now();
#pragma omp parallel num_threads(threads)
        {
            float mine;
            k->peak(iterations, &mine);
#pragma omp atomic
            sink += mine;
        }
        double rate = (double)threads * (double)iterations * FAST_PEAK_FLOPS / (fast_now() - start);
        best = rate > best ? rate : best;
    }
    return sink == 12345.0f ? 0 : best * 1e-9;
}
