/* Every op of the fast CPU backend against the reference on the selftest's
 * cases (odd sizes, batch 1, NaN/Inf among element-wise inputs), as `vae-vk
 * selftest --device cpu` runs them, with each kernel set this machine has
 * and with 1, 2 and 3 threads (3: runs that do not divide evenly).
 *
 * Bounds (vaevk/selftest.h): normalized MSE <= 1e-10 — products sum in
 * fp32 with fused multiply-adds where the reference sums in double, which
 * lands near 1e-14 for these sizes; NaN/Inf in the same places; the same
 * bits where the reference is exact (and here in practice for every
 * element-wise op but tanh); no word outside the outputs changed. */
#include "fast_check.h"

typedef struct {
    const char *what;
    int cases, fails;
    int kinds_seen[VAE_OP_COUNT];
} tally;

static void on_case(void *ctx, const vae_selftest_op_result *r) {
    tally *t = ctx;
    t->cases++;
    t->kinds_seen[r->op.kind] = 1;
    if (r->error[0]) {
        printf("FAIL %s %s %s: %s\n", t->what, vae_op_name(r->op.kind), r->sizes, r->error);
        t->fails++;
        return;
    }
    const vae_selftest_diff *d = &r->diff;
    int ok = r->pass && d->nmse <= 1e-10 && d->special_diff == 0 && (!r->exact_expected || d->inexact == 0) &&
             r->changed_outside == 0 && r->outputs > 0;
    t->fails += !ok;
    printf("%-4s %-16s %-32s %-28s nmse %.2e  max %u ulp  %zu/%zu inexact%s  %zu NaN/Inf differ  "
           "%zu words outside changed\n",
           ok ? "ok" : "FAIL", t->what, vae_op_name(r->op.kind), r->sizes, d->nmse, d->max_ulp, d->inexact,
           r->values, r->exact_expected ? " (exact expected)" : "", d->special_diff, r->changed_outside);
}

int main(void) {
    const char *sets[2];
    int nsets = fast_kernel_sets(sets), total_fails = 0;
    vae_backend *ref = reference_open();
    for (int k = 0; k < nsets; k++)
        for (int threads = 1; threads <= 3; threads++) {
            vae_backend *be = fast_open(threads, sets[k]);
            char what[32];
            snprintf(what, sizeof what, "%s/%dt", sets[k], threads);
            tally t = {what, 0, 0, {0}};
            int lib_fails = vae_selftest_ops(be, ref, on_case, &t);
            if (t.cases != vae_selftest_op_count(be, ref) || lib_fails > t.fails) {
                printf("FAIL %s: the selftest ran %d of %d cases and counted %d failures (%d here)\n", what,
                       t.cases, vae_selftest_op_count(be, ref), lib_fails, t.fails);
                t.fails++;
            }
            for (int kind = 0; kind < VAE_OP_COUNT; kind++)
                if (!t.kinds_seen[kind]) {
                    printf("FAIL %s: no case for %s\n", what, vae_op_name((vae_op_kind)kind));
                    t.fails++;
                }
            printf("%s %s (%s): %d cases, %d failures\n\n", t.fails ? "FAIL" : "ok", what, be->name, t.cases,
                   t.fails);
            total_fails += t.fails;
            be->vt->destroy(be);
        }
    ref->vt->destroy(ref);
    printf("%s: %d failures\n", total_fails ? "FAIL" : "ok", total_fails);
    return total_fails != 0;
}
