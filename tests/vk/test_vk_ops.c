/* Every op kind, forward and backward, as a one-op program on the Vulkan
 * backend and on the CPU reference with the same inputs: the library's
 * selftest cases (src/core/selftest_cases.c: odd sizes, batch 1 and more,
 * NaN/Inf among the inputs of the element-wise ops), run by
 * vae_selftest_ops and judged again here.
 *
 * Checked for each case:
 *   - outputs: normalized MSE Σ(gpu-cpu)²/Σcpu² <= 1e-10 (the project's
 *     per-op agreement bound; fp32 sums on the GPU against double sums on
 *     the CPU land near 1e-14), NaN/±Inf at the same positions, and
 *     bit-identical values where the kernel does the CPU's exact sequence
 *     of correctly rounded + - ×;
 *   - every other word of every arena, inputs and the guard words around
 *     each tensor included, is unchanged;
 *   - the selftest sized each tensor as the Vulkan backend's own table
 *     does, so the guard words sit right against what the kernel may touch;
 *   - every op kind has a case, and the validation layer said nothing. */
#include "vk_check.h"

#include "vaevk/selftest.h"

#define NMSE_BOUND 1e-10

typedef struct {
    int cases, fails;
    int kinds_seen[VAE_OP_COUNT];
} tally;

static void on_case(void *ctx, const vae_selftest_op_result *r) {
    tally *t = ctx;
    t->cases++;
    t->kinds_seen[r->op.kind] = 1;
    if (r->error[0]) {
        printf("FAIL %s %s: %s\n", vae_op_name(r->op.kind), r->sizes, r->error);
        t->fails++;
        return;
    }
    const vae_selftest_diff *d = &r->diff;
    int ok = r->pass && d->nmse <= NMSE_BOUND && d->special_diff == 0 &&
             (!r->exact_expected || d->inexact == 0) && r->changed_outside == 0 && r->outputs > 0;
    t->fails += !ok;
    printf("%-4s %-32s %-26s nmse %.2e  max %u ulp  max |err| %.2e  %zu/%zu inexact%s  "
           "%zu NaN/Inf differ  %zu words outside the outputs changed\n",
           ok ? "ok" : "FAIL", vae_op_name(r->op.kind), r->sizes, d->nmse, d->max_ulp, d->max_abs,
           d->inexact, r->values, r->exact_expected ? " (exact expected)" : "", d->special_diff,
           r->changed_outside);
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    tally t = {0};
    int lib_fails = vae_selftest_ops(gpu, cpu, on_case, &t);
    if (t.cases != vae_selftest_op_count(gpu, cpu) || lib_fails > t.fails) {
        printf("FAIL the selftest ran %d of %d cases and counted %d failures (%d here)\n", t.cases,
               vae_selftest_op_count(gpu, cpu), lib_fails, t.fails);
        t.fails++;
    }
    for (int k = 0; k < VAE_OP_COUNT; k++)
        if (!t.kinds_seen[k]) {
            printf("FAIL no test case for %s\n", vae_op_name((vae_op_kind)k));
            t.fails++;
        }
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    t.fails += vkt_validation_verdict();
    printf("%s: %d cases, %d failures\n", t.fails ? "FAIL" : "ok", t.cases, t.fails);
    return t.fails != 0;
}
