/* The reference's mixed-precision products (vaevk/program.h):
 *   1. a mixed product is the fp32 product of the operands rounded by
 *      vae_round_f16, bit for bit; the output and linear_backward_input's
 *      accumulated old value are not rounded;
 *   2. the selftest's mixed cases can fail: a backend that claims mixed
 *      products but computes them in fp32 (a shader that forgot to round)
 *      fails every one of them, and passes every fp32 case;
 *   3. a backend without mixed products refuses to record one, in one line. */
#include <string.h>

#include "../common/fp32_pretending.h"
#include "cpu_check.h"
#include "vaevk/backend.h"
#include "vaevk/half.h"
#include "vaevk/ops.h"
#include "vaevk/selftest.h"

/* ---- 1 ---- */

static int same_bits(const float *a, const float *b, size_t n) {
    return memcmp(a, b, n * sizeof(float)) == 0;
}

static void round_all(float *dst, const float *src, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = vae_round_f16(src[i]);
}

/* Runs op (t: out in ACTS at 0, the operands in PARAMS at 0 and at off)
 * on the reference; out gets t[0]. */
static int run(vae_backend *be, vae_op *op, const float *a, uint32_t na, const float *b, uint32_t nb,
               const float *out0, uint32_t nout, float *out) {
    uint32_t off = (na + 63) / 64 * 64;
    uint32_t words[VAE_ARENA_COUNT] = {64, 64, 64, 64, 64, 64};
    words[VAE_ARENA_PARAMS] = off + nb;
    words[VAE_ARENA_ACTS] = nout;
    op->t[0] = (vae_tensor){VAE_ARENA_ACTS, 0, nout};
    op->t[1] = (vae_tensor){VAE_ARENA_PARAMS, 0, na};
    op->t[2] = (vae_tensor){VAE_ARENA_PARAMS, off, nb};
    vae_program p = {op, 1, 1};
    if (be->vt->alloc_arenas(be, words) != 0 || be->vt->write(be, op->t[0], out0) != 0 ||
        be->vt->write(be, op->t[1], a) != 0 || be->vt->write(be, op->t[2], b) != 0 ||
        vae_backend_run_program(be, &p) != 0 || be->vt->read(be, op->t[0], out) != 0) {
        printf("FAIL could not run %s: %s\n", vae_op_name(op->kind), be->error);
        return -1;
    }
    return 0;
}

static void check_conv_forward(vae_backend *be) {
    const int B = 2, Cin = 3, H = 6, W = 8, Cout = 5;
    const uint32_t na = B * Cin * H * W, nb = Cout * Cin * 16, nout = B * Cout * (H / 2) * (W / 2);
    uint64_t s = 7;
    float *x = ALLOC_F(na), *w = ALLOC_F(nb), *xr = ALLOC_F(na), *wr = ALLOC_F(nb);
    float *zero = ALLOC_F(nout), *got = ALLOC_F(nout), *want = ALLOC_F(nout), *fp32 = ALLOC_F(nout);
    for (uint32_t i = 0; i < na; i++) x[i] = (float)test_uniform(&s, -1, 1);
    for (uint32_t i = 0; i < nb; i++) w[i] = (float)test_uniform(&s, -1, 1) * 0x1p-14f;
    round_all(xr, x, na);
    round_all(wr, w, nb);
    conv2d_forward(want, xr, wr, B, Cin, H, W, Cout);
    conv2d_forward(fp32, x, w, B, Cin, H, W, Cout);
    vae_op op = {.kind = VAE_OP_CONV2D_FWD, .d = {B, Cin, H, W, Cout}, .precision = VAE_PRECISION_MIXED};
    if (run(be, &op, x, na, w, nb, zero, nout, got) == 0) {
        CHECK(same_bits(got, want, nout), "conv2d_forward mixed: the fp32 op on rounded operands, bit for bit");
        CHECK(!same_bits(got, fp32, nout), "conv2d_forward mixed differs from fp32 on these operands");
    }
    free(x), free(w), free(xr), free(wr), free(zero), free(got), free(want), free(fp32);
}

static void check_linear_accumulate(vae_backend *be) {
    const int B = 3, I = 37, O = 11;
    const uint32_t nd = B * O, nw = O * I, nout = B * I;
    uint64_t s = 11;
    float *dout = ALLOC_F(nd), *w = ALLOC_F(nw), *dr = ALLOC_F(nd), *wr = ALLOC_F(nw);
    float *old = ALLOC_F(nout), *got = ALLOC_F(nout), *want = ALLOC_F(nout);
    for (uint32_t i = 0; i < nd; i++) dout[i] = (float)test_uniform(&s, -1, 1);
    for (uint32_t i = 0; i < nw; i++) w[i] = (float)test_uniform(&s, -1, 1);
    /* old values with more bits than binary16 keeps, where rounding them
     * would show: 1 + 2^-20 and the like */
    for (uint32_t i = 0; i < nout; i++) old[i] = 1.0f + (float)(i + 1) * 0x1p-20f;
    round_all(dr, dout, nd);
    round_all(wr, w, nw);
    memcpy(want, old, nout * sizeof(float));
    linear_backward_input(want, dr, wr, B, I, O, 1);
    vae_op op = {.kind = VAE_OP_LINEAR_BWD_INPUT, .d = {B, I, O, 1}, .precision = VAE_PRECISION_MIXED};
    if (run(be, &op, dout, nd, w, nw, old, nout, got) == 0)
        CHECK(same_bits(got, want, nout), "linear_backward_input mixed, accumulating: operands rounded, "
              "the old value added unrounded, bit for bit");
    free(dout), free(w), free(dr), free(wr), free(old), free(got), free(want);
}

/* ---- 2: a backend that claims mixed products and computes fp32 ---- */


typedef struct {
    int mixed_cases, mixed_failed, fp32_cases, fp32_failed;
    double least_mixed_nmse;
} tally;

static void on_case(void *ctx, const vae_selftest_op_result *r) {
    tally *t = ctx;
    if (r->op.precision == VAE_PRECISION_MIXED) {
        t->mixed_cases++;
        t->mixed_failed += !r->pass;
        if (r->diff.nmse < t->least_mixed_nmse)
            t->least_mixed_nmse = r->diff.nmse;
    } else {
        t->fp32_cases++;
        t->fp32_failed += !r->pass;
    }
}

static void check_selftest_catches(vae_backend *ref) {
    fp32_pretending f;
    vae_backend *be = fp32_pretending_wrap(&f, vae_reference_backend_create());
    tally t = {.least_mixed_nmse = 1e300};
    vae_selftest_ops(be, ref, on_case, &t);
    CHECK(t.mixed_cases == 9 && t.mixed_failed == t.mixed_cases,
          "a backend that does not round fails all %d mixed cases (%d failed; the closest "
          "nMSE %.1e, bound %g)", t.mixed_cases, t.mixed_failed, t.least_mixed_nmse, VAE_SELFTEST_OP_NMSE);
    CHECK(t.fp32_cases > 0 && t.fp32_failed == 0, "and passes all %d fp32 cases (%d failed)", t.fp32_cases,
          t.fp32_failed);
    be->vt->destroy(be);
}

/* ---- 3 ---- */

static void check_fp32_only_refuses(void) {
    vae_backend *be = vae_reference_backend_create();
    be->mixed = VAE_MIXED_NONE;
    vae_op op = {.kind = VAE_OP_LINEAR_FWD, .d = {1, 16, 1}, .precision = VAE_PRECISION_MIXED};
    uint32_t words[VAE_ARENA_COUNT] = {128, 64, 64, 64, 64, 64};
    op.t[0] = (vae_tensor){VAE_ARENA_ACTS, 0, 1};
    op.t[1] = (vae_tensor){VAE_ARENA_PARAMS, 0, 16};
    op.t[2] = (vae_tensor){VAE_ARENA_PARAMS, 64, 16};
    vae_program p = {&op, 1, 1};
    int status = be->vt->alloc_arenas(be, words) == 0 ? vae_backend_run_program(be, &p) : 0;
    CHECK(status != 0 && strstr(be->error, "fp32 only") && strstr(be->error, "--precision fp32"),
          "an fp32-only backend refuses a mixed product: \"%s\"", be->error);
    be->vt->destroy(be);
}

int main(void) {
    vae_backend *ref = vae_reference_backend_create();
    check_conv_forward(ref);
    check_linear_accumulate(ref);
    check_selftest_catches(ref);
    check_fp32_only_refuses();
    ref->vt->destroy(ref);
    return failures ? 1 : 0;
}
