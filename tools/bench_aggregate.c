/* bench_aggregate: the aggregate posterior's log-density (viz/aggregate.h)
 * on a device against the plain C in double, on random mixtures.
 *
 *   build/tools/bench_aggregate [--device cpu|reference|N] [--no-ref] [S N L]
 *
 * S points against N Gaussians of L dimensions (10000 10000 128), on a
 * trainer of the default model and batch 64, timed after one warm-up call
 * on a tenth of the points (a Vulkan device compiles its pipeline then);
 * then the plain C (viz_aggregate_log_density_ref) on the same inputs,
 * unless --no-ref, and the largest difference. Terms are S·N·L (each a
 * subtract, a multiply, a square and a sum). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vaevk/device.h"
#include "vaevk/rng.h"
#include "vaevk/train.h"
#include "viz/aggregate.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Uniform in [lo, hi) from the TEST stream: element i of draw `what`. */
static float uniform(uint32_t what, long i, float lo, float hi) {
    return lo + (hi - lo) * vae_rng_uniform(12, VAE_STREAM_TEST, what, (uint32_t)i);
}

int main(int argc, char **argv) {
    const char *device = "cpu";
    int ref = 1, pos = 0;
    long sizes[3] = {10000, 10000, 128};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--device") == 0 && i + 1 < argc)
            device = argv[++i];
        else if (strcmp(argv[i], "--no-ref") == 0)
            ref = 0;
        else if (pos < 3 && atol(argv[i]) > 0)
            sizes[pos++] = atol(argv[i]);
        else {
            fprintf(stderr, "usage: bench_aggregate [--device cpu|reference|N] [--no-ref] [S N L]\n");
            return 2;
        }
    }
    const long S = sizes[0], N = sizes[1];
    const int L = (int)sizes[2];
    char err[512];
    vae_device dev;
    vae_backend *be = NULL;
    if (vae_device_parse(device, 0, &dev, err, sizeof err) != 0 || !(be = vae_device_open(dev, err, sizeof err))) {
        fprintf(stderr, "bench_aggregate: %s\n", err);
        return 1;
    }
    vae_config cfg;
    vae_config_default(&cfg);
    vae_trainer t;
    float *z = malloc((size_t)S * L * 4), *mu = malloc((size_t)N * L * 4), *lv = malloc((size_t)N * L * 4);
    double *got = malloc((size_t)S * 8), *want = malloc((size_t)S * 8);
    if (!z || !mu || !lv || !got || !want || vae_trainer_init(&t, be, &cfg, 64, 1, 1e-3f, 0, VAE_PRECISION_FP32) != 0) {
        fprintf(stderr, "bench_aggregate: %s\n", be->error[0] ? be->error : "out of memory");
        return 1;
    }
    for (long i = 0; i < N * L; i++)
        mu[i] = uniform(0, i, -1.5f, 1.5f), lv[i] = uniform(1, i, -3.0f, 0.0f);
    for (long i = 0; i < S * L; i++)
        z[i] = uniform(2, i, -2.0f, 2.0f);
    double terms = (double)S * (double)N * L;
    printf("S=%ld N=%ld L=%d: %.3g terms\n", S, N, L, terms);
    long warm = S / 10 > 0 ? S / 10 : 1;
    if (viz_aggregate_log_density(&t, z, warm, mu, lv, N, L, got, err, sizeof err) != 0) {
        fprintf(stderr, "bench_aggregate: %s\n", err);
        return 1;
    }
    double t0 = now();
    if (viz_aggregate_log_density(&t, z, S, mu, lv, N, L, got, err, sizeof err) != 0) {
        fprintf(stderr, "bench_aggregate: %s\n", err);
        return 1;
    }
    double dt = now() - t0;
    printf("%-40s %9.3f s  %7.2f Gterms/s\n", be->name, dt, terms / dt * 1e-9);
    if (ref) {
        t0 = now();
        viz_aggregate_log_density_ref(z, S, mu, lv, N, L, want);
        double dr = now() - t0, worst = 0;
        for (long s = 0; s < S; s++)
            worst = fabs(got[s] - want[s]) > worst ? fabs(got[s] - want[s]) : worst;
        printf("%-40s %9.3f s  %7.2f Gterms/s\n", "plain C in double (one thread)", dr, terms / dr * 1e-9);
        printf("speed-up %.1fx; largest difference %.3g (log q from %.4g to %.4g)\n", dr / dt, worst, want[0],
               want[S - 1]);
    }
    vae_trainer_free(&t);
    be->vt->destroy(be);
    free(z), free(mu), free(lv), free(got), free(want);
    return 0;
}
