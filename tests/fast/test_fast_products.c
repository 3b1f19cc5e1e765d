/* The fast backend's products (src/fast/fast_conv.c, fast_linear.c) against
 * the reference at sizes the selftest's small cases do not reach: every
 * layer of the full model (batch 2), tiles with ragged edges in both
 * directions (rows not a multiple of 6, columns not of 16), odd image
 * sides, a single output channel, and the linear layers with and without
 * accumulating. Each case runs
 *   - with the default kernels on 2 threads and the plain kernels on 1,
 *     against the reference: normalized MSE <= 1e-10 (fp32 sums of at most
 *     16384 terms, ~1e-13 here, against double ones), no word outside the
 *     output changed;
 *   - with the default kernels on 1 and on 3 threads against each other:
 *     the same bits, since each result is one tile's sum in term order
 *     whatever thread computes it;
 * and all of that again in mixed precision, on the selftest's mixed
 * operands (binary16 subnormals, exact ties: an operand left unrounded on
 * any path to the tile costs ~1e-7 of nMSE), which reaches the mappings
 * the selftest's small mixed cases do not: the subpixel transposed
 * forward and the weight gradient as a panel product. */
#include "fast_check.h"

typedef struct {
    vae_op_kind kind;
    int32_t d[5]; /* B, Cin, H, W, Cout; linear: B, I, O, accumulate */
} product_case;

#define CONV3(B, Cin, H, W, Cout)                                                           \
    {VAE_OP_CONV2D_FWD, {B, Cin, H, W, Cout}}, {VAE_OP_CONV2D_BWD_INPUT, {B, Cin, H, W, Cout}}, \
    {VAE_OP_CONV2D_BWD_WEIGHT, {B, Cin, H, W, Cout}}
#define CONVT3(B, Cin, H, W, Cout)                                                      \
    {VAE_OP_CONVT_FWD, {B, Cin, H, W, Cout}}, {VAE_OP_CONVT_BWD_INPUT, {B, Cin, H, W, Cout}}, \
    {VAE_OP_CONVT_BWD_WEIGHT, {B, Cin, H, W, Cout}}

static const product_case cases[] = {
    /* the model's encoder and decoder, batch 2 */
    CONV3(2, 3, 64, 64, 32), CONV3(2, 32, 32, 32, 64), CONV3(2, 64, 16, 16, 128), CONV3(2, 128, 8, 8, 256),
    CONVT3(2, 256, 4, 4, 128), CONVT3(2, 128, 8, 8, 64), CONVT3(2, 64, 16, 16, 32), CONVT3(2, 32, 32, 32, 3),
    /* ragged: 37 and 70 channels, 18x13 and 9x7 images, one output channel */
    CONV3(3, 37, 18, 13, 70), CONVT3(2, 33, 9, 7, 20), CONV3(1, 5, 3, 5, 1), CONVT3(1, 1, 5, 3, 17),
    /* linear layers: ragged, and the model's heads and decoder input */
    {VAE_OP_LINEAR_FWD, {70, 300, 130}},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 0}},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 1}},
    {VAE_OP_LINEAR_BWD_WEIGHT, {70, 300, 130}},
    {VAE_OP_LINEAR_FWD, {8, 4096, 128}},
    {VAE_OP_LINEAR_BWD_INPUT, {8, 4096, 128, 1}},
    {VAE_OP_LINEAR_BWD_WEIGHT, {8, 4096, 128}},
    {VAE_OP_LINEAR_FWD, {8, 128, 4096}},
    {VAE_OP_LINEAR_BWD_INPUT, {8, 128, 4096, 0}},
    {VAE_OP_LINEAR_BWD_WEIGHT, {8, 128, 4096}},
};

static int agrees(const char *how, const vae_selftest_op_result *r, int same_bits) {
    char what[40];
    snprintf(what, sizeof what, "%s%s", how, r->op.precision == VAE_PRECISION_MIXED ? ", mixed" : "");
    int ok = !r->error[0] && r->outputs > 0 && r->changed_outside == 0 && r->diff.special_diff == 0 &&
             (same_bits ? r->diff.inexact == 0 : r->diff.nmse <= 1e-10);
    if (r->error[0])
        printf("FAIL %-24s %-32s %s\n", what, vae_op_name(r->op.kind), r->error);
    else
        printf("%-4s %-24s %-32s %-30s nmse %.2e  %zu/%zu inexact  %zu words outside changed\n", ok ? "ok" : "FAIL",
               what, vae_op_name(r->op.kind), r->sizes, r->diff.nmse, r->diff.inexact, r->values,
               r->changed_outside);
    return ok;
}

int main(void) {
    const char *sets[2];
    int nsets = fast_kernel_sets(sets);
    vae_backend *ref = reference_open();
    vae_backend *two = fast_open(2, sets[0]), *one = fast_open(1, sets[0]), *three = fast_open(3, sets[0]);
    vae_backend *plain = fast_open(1, "generic");
    printf("backends: %s; %s\n", two->name, plain->name);
    const int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < 2 * n; i++) {
        vae_op op = {0};
        op.kind = cases[i % n].kind;
        memcpy(op.d, cases[i % n].d, sizeof op.d);
        op.precision = i < n ? VAE_PRECISION_FP32 : VAE_PRECISION_MIXED;
        vae_selftest_op_result r;
        vae_selftest_op(two, ref, &op, 0, 500 + (uint64_t)i, &r);
        failures += !agrees("default, 2 threads", &r, 0);
        if (nsets > 1) {
            vae_selftest_op(plain, ref, &op, 0, 500 + (uint64_t)i, &r);
            failures += !agrees("generic, 1 thread", &r, 0);
        }
        vae_selftest_op(one, three, &op, 0, 500 + (uint64_t)i, &r);
        failures += !agrees("1 vs 3 threads", &r, 1);
    }
    vae_backend *all[] = {ref, two, one, three, plain};
    for (int i = 0; i < 5; i++)
        all[i]->vt->destroy(all[i]);
    printf("%s: %d cases (fp32 and mixed), %d failures\n", failures ? "FAIL" : "ok", 2 * n, failures);
    return failures != 0;
}
