/* bench_coopmat: the cooperative-matrix product kernel (shaders/
 * gemm_coopmat.comp) on a device, every result checked against the CPU,
 * then timed.
 *
 *   build/tools/bench_coopmat [--device N] [--reps R] [M N K]...
 *   build/tools/bench_coopmat --self-check
 *
 * Without sizes: 4096³, 256×16384×2048 (issue 9's two), and ragged ones
 * (1000×999×77 with row-major and with column-major operands and output,
 * 129×127×33, 1×1×1, 128×128×0, and 1000×999×77 on operands small enough
 * that their halves are subnormal). Operands are uniform in [-1, 1) (the
 * TEST stream), fp32 in memory; the kernel rounds them to fp16 as it
 * stages them. The reference is the product of the same operands rounded
 * by vae_f16_bits (round to nearest even, subnormals kept), summed in
 * double: each product of two halves is exact, so it is the exact sum to
 * about K·2^-53.
 *
 * The check, for every output: |got - ref| <= K·2^-23·Σ_k |a_k·b_k|, the
 * worst case of K fp32 additions of exact products (K·u with u = 2^-23, not
 * the 2^-24 of round-to-nearest, because tensor-core accumulators may
 * truncate); an output that is NaN, was never written (C starts as NaN) or
 * a guard word after C that changed fails it. The bound is the worst case;
 * a right product stays under a tenth of it. At K = 77, operands left in
 * fp32, rounded toward zero or with subnormal halves flushed put most
 * outputs 15 to 60000 times over it, as `--self-check` shows on CPU-made
 * results (the check itself, tested without a device); at 4096³ it checks
 * the tiling at scale rather than the rounding.
 *
 * Then R dispatches (default: about 10 TFLOP of work, 3 to 500) in one
 * command buffer, barriers between them, timed on the host after a warm-up
 * submission: TFLOP/s = 2·M·N·K·R / seconds.
 *
 * Exit status: 0 all checks passed (and, with VAEVK_VALIDATION=1, the
 * validation layer said nothing); 1 a check failed; 2 a set-up error;
 * 77 the device has no cooperative-matrix kernel (one line says why):
 * lavapipe, for one, or a build whose glslang knew neither extension. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_coopmat.h"
#include "vaevk/vulkan.h"

static void usage(void) {
    fprintf(stderr, "usage: bench_coopmat [--device N] [--reps R] [M N K]...\n"
                    "       bench_coopmat --self-check\n");
}

/* The check itself, without a device: the product as the kernel should
 * compute it passes; each way of getting it wrong fails (at K = 77; at
 * large K the bound grows past what operand rounding changes). */
static int self_check(void) {
    static const char *names[SIM_MODES] = {"right", "operands not rounded", "operands rounded toward zero",
                                           "subnormal halves flushed", "one output never written",
                                           "a word past C written"};
    static const bench_case cases[] = {{200, 150, 77, 0, 1.0f}, {70, 90, 77, 1, 1.0f}, {100, 60, 77, 0, 1e-6f}};
    int wrong = 0;
    for (int i = 0; i < 3; i++) {
        const bench_case *c = &cases[i];
        float *a = malloc((size_t)c->M * c->K * 4), *b = malloc((size_t)c->K * c->N * 4);
        float *got = malloc(((size_t)c->M * c->N + GUARD) * 4);
        if (!a || !b || !got)
            return fprintf(stderr, "bench_coopmat: out of memory\n"), 2;
        bench_operands(c, a, b);
        for (int how = 0; how < SIM_MODES; how++) {
            /* rounding toward zero or flushing changes nothing new where
             * every half is subnormal or none is; skip the empty pairings */
            if ((how == SIM_FLUSHED) != (c->scale < 1e-3f) && (how == SIM_FLUSHED || how == SIM_TRUNCATED))
                continue;
            bench_verdict v;
            bench_simulate(c, a, b, got, (bench_sim)how);
            bench_check(c, a, b, got, 2, &v);
            int passed = v.bad == 0 && v.guard_ok, ok = passed == (how == SIM_RIGHT);
            printf("%s  %ux%ux%u%s%s, %s: %s (worst error %.3g of the bound, %llu outputs over it)\n",
                   ok ? "ok  " : "FAIL", c->M, c->N, c->K, c->transposed ? " col-major" : "",
                   c->scale < 1e-3f ? " subnormal halves" : "", names[how], passed ? "passes" : "fails",
                   v.worst_ratio, (unsigned long long)v.bad);
            wrong += !ok;
        }
        free(a), free(b), free(got);
    }
    return wrong ? 1 : 0;
}

int main(int argc, char **argv) {
    int device = -1, reps = 0, ncases = 0;
    bench_case cases[16];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--device") == 0 && i + 1 < argc)
            device = atoi(argv[++i]);
        else if (strcmp(argv[i], "--self-check") == 0)
            return self_check();
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (i + 2 < argc && ncases < 16 && atol(argv[i]) > 0 && atol(argv[i + 1]) > 0 && atol(argv[i + 2]) >= 0) {
            cases[ncases++] = (bench_case){(uint32_t)atol(argv[i]), (uint32_t)atol(argv[i + 1]),
                                           (uint32_t)atol(argv[i + 2]), 0, 1.0f};
            i += 2;
        } else {
            usage();
            return 2;
        }
    }
    if (ncases == 0) {
        static const bench_case standard[] = {
            {4096, 4096, 4096, 0, 1.0f}, {256, 16384, 2048, 0, 1.0f}, {1000, 999, 77, 0, 1.0f},
            {1000, 999, 77, 1, 1.0f},    {129, 127, 33, 0, 1.0f},     {1, 1, 1, 0, 1.0f},
            {128, 128, 0, 0, 1.0f},      {1000, 999, 77, 0, 1e-6f},
        };
        ncases = (int)(sizeof standard / sizeof standard[0]);
        memcpy(cases, standard, sizeof standard);
    }
    if (device < 0)
        device = vae_vk_best_device();
    bench b;
    memset(&b, 0, sizeof b);
    int status = bench_open(&b, device, cases, ncases);
    if (status != 0)
        return status;
    int failed = 0;
    for (int i = 0; i < ncases && status == 0; i++)
        status = bench_case_run(&b, &cases[i], reps, &failed);
    bench_close(&b);
    if (status != 0)
        return status;
    if (vae_vk_validation_messages() > 0) {
        printf("FAIL  the validation layer reported %d messages\n", vae_vk_validation_messages());
        failed++;
    }
    printf("%d of %d sizes passed\n", ncases - failed, ncases);
    return failed ? 1 : 0;
}
