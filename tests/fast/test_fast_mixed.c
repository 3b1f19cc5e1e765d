/* The fast backend's mixed precision beyond the selftest's cases:
 *   1. each kernel set's round_f16 (F16C where the processor has it, the
 *      plain C one always) gives vae_round_f16's bits on every binary16
 *      value, every tie between two of them and the floats either side,
 *      binary16 and float subnormals, the edge of binary16's range, inf,
 *      NaNs with payloads, the selftest's mixed operands and a million
 *      random words; on runs of every length 1..37 (the vector loop's
 *      tail); and again with flush-to-zero and denormals-are-zero set;
 *   2. copies shared between the ops of a recording (fast_share_copies)
 *      are keyed on rounding: fp32 and mixed products reading the same
 *      padded input, or the same in-place weights, alternate in one
 *      program, and each output has the bits of its op run alone;
 *   3. the selftest's mixed training bounds can fail: the fast backend
 *      with its products left in fp32, claiming mixed, fails the lockstep
 *      against the mixed reference (test_fast_train runs the real one). */
#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <xmmintrin.h>
#define HAVE_MXCSR 1
#endif

#include "../common/fp32_pretending.h"
#include "fast/fast_internal.h"
#include "fast/fast_kernels.h"
#include "fast/fast_product.h"
#include "fast_check.h"
#include "vaevk/half.h"

/* ---- 1 ---- */

typedef struct {
    float *x;
    size_t n, cap;
} values;

static void push(values *v, float x) {
    if (v->n < v->cap)
        v->x[v->n++] = x;
}

/* x and -x */
static void push2(values *v, float x) {
    push(v, x);
    push(v, -x);
}

static values patterns(void) {
    values v = {NULL, 0, 1u << 22};
    v.x = test_alloc(v.cap * sizeof(float));
    /* every finite binary16 magnitude h, the tie with the next (65504's
     * next being 65536, past the range: the tie 65520 goes to inf), and
     * the floats next to both */
    for (uint32_t h = 0; h <= 0x7bff; h++) {
        const float a = vae_f16_value((uint16_t)h), b = h < 0x7bff ? vae_f16_value((uint16_t)(h + 1)) : 65536.0f;
        const float tie = (float)(((double)a + (double)b) / 2); /* exact: one bit more than a half */
        push2(&v, a), push2(&v, nextafterf(a, 0)), push2(&v, nextafterf(a, INFINITY));
        push2(&v, tie), push2(&v, nextafterf(tie, 0)), push2(&v, nextafterf(tie, INFINITY));
    }
    static const uint32_t special[] = {
        0x00000001u, 0x00400000u, 0x007fffffu, 0x00800000u, /* float subnormals, the least normal */
        0x33000000u, 0x32ffffffu, 0x33000001u,              /* 2^-25: the tie with zero */
        0x477fe000u, 0x477fefffu, 0x477ff000u, 0x7f7fffffu, /* 65504, under and at 65520, FLT_MAX */
        0x7f800000u, 0x7fc00000u, 0x7f800001u, 0x7fa5a5a5u, 0x7fc00001u, 0x7fffffffu, /* inf, NaNs */
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        push2(&v, test_bits_float(special[i]));
    /* the selftest's mixed operands (selftest_cases.c): uniform values
     * times 2^-15, and values whose 13 dropped bits are an exact tie */
    uint64_t s = 5;
    for (int i = 0; i < 100000; i++) {
        push(&v, (float)test_uniform(&s, -1, 1) * 0x1p-15f);
        push(&v, test_bits_float((test_float_bits((float)test_uniform(&s, -1, 1)) & ~0x1fffu) | 0x1000u));
    }
    for (int i = 0; i < (1 << 20); i++)
        push(&v, test_bits_float((uint32_t)test_next(&s)));
    return v;
}

/* Rounds a copy of v in runs of 1, 2, ..., 37, 1, ... words. */
static void check_round(const char *what, fast_round_fn round, const values *v) {
    float *y = test_alloc(v->n * sizeof(float));
    memcpy(y, v->x, v->n * sizeof(float));
    for (size_t i = 0, len = 1; i < v->n; i += len, len = len % 37 + 1)
        round(y + i, (int64_t)(v->n - i < len ? v->n - i : len));
    size_t wrong = 0, first = 0;
    for (size_t i = 0; i < v->n; i++)
        if (test_float_bits(y[i]) != test_float_bits(vae_round_f16(v->x[i])) && wrong++ == 0)
            first = i;
    if (wrong)
        CHECK(0, "%s: %zu of %zu values differ from vae_round_f16; the first: %08x -> %08x, want %08x", what, wrong,
              v->n, test_float_bits(v->x[first]), test_float_bits(y[first]),
              test_float_bits(vae_round_f16(v->x[first])));
    else
        CHECK(1, "%s: vae_round_f16's bits on all %zu values", what, v->n);
    free(y);
}

static void check_roundings(void) {
    values v = patterns();
    const fast_kernels *avx2 = fast_kernels_avx2();
    CHECK(fast_kernels_generic.round_f16 == fast_round_f16_plain, "the generic kernels round in plain C");
    check_round("plain C rounding", fast_round_f16_plain, &v);
    if (!avx2)
        printf("skip  no AVX2 kernels on this machine: F16C rounding not tested\n");
    else if (avx2->round_f16 == fast_round_f16_plain)
        printf("skip  the AVX2 kernels round in plain C here: the processor has no F16C\n");
    else
        check_round("F16C rounding", avx2->round_f16, &v);
#ifdef HAVE_MXCSR
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040u); /* flush-to-zero, denormals-are-zero */
    check_round("plain C rounding with FTZ and DAZ set", fast_round_f16_plain, &v);
    if (avx2 && avx2->round_f16 != fast_round_f16_plain)
        check_round("F16C rounding with FTZ and DAZ set", avx2->round_f16, &v);
    _mm_setcsr(csr);
#endif
    free(v.x);
}

/* ---- 2 ---- */

enum { B = 2, CIN = 5, H = 8, W = 10, COUT = 16, LB = 3, LI = 37, LO = 11 };

static vae_op conv(vae_precision p, uint32_t out) {
    vae_op op = {.kind = VAE_OP_CONV2D_FWD, .d = {B, CIN, H, W, COUT}, .precision = p};
    op.t[0] = (vae_tensor){VAE_ARENA_ACTS, out, B * COUT * (H / 2) * (W / 2)};
    op.t[1] = (vae_tensor){VAE_ARENA_ACTS, 0, B * CIN * H * W};
    op.t[2] = (vae_tensor){VAE_ARENA_PARAMS, 0, COUT * CIN * 16};
    return op;
}

/* linear_forward reads its weights in place in fp32, a COPY in mixed */
static vae_op linear(vae_precision p, uint32_t out) {
    vae_op op = {.kind = VAE_OP_LINEAR_FWD, .d = {LB, LI, LO}, .precision = p};
    op.t[0] = (vae_tensor){VAE_ARENA_ACTS, out, LB * LO};
    op.t[1] = (vae_tensor){VAE_ARENA_ACTS, 1024, LB * LI};
    op.t[2] = (vae_tensor){VAE_ARENA_PARAMS, 4096, LO * LI};
    return op;
}

static void check_shared_copies(void) {
    vae_backend *be = fast_open(2, "default");
    fast_backend *f = (fast_backend *)be;
    const vae_precision F = VAE_PRECISION_FP32, M = VAE_PRECISION_MIXED;
    const uint32_t at[7] = {2048, 3072, 4096, 5120, 6144, 6400, 6656};
    vae_op ops[7] = {conv(F, at[0]), conv(M, at[1]), conv(F, at[2]), conv(M, at[3]),
                     linear(M, at[4]), linear(F, at[5]), linear(M, at[6])};
    uint32_t words[VAE_ARENA_COUNT] = {8192, 64, 64, 64, 8192, 64};
    if (be->vt->alloc_arenas(be, words) != 0) {
        CHECK(0, "arenas: %s", be->error);
        return;
    }
    /* mixed operands as the selftest makes them: binary16 subnormals in
     * the first, ties in the second */
    float *acts = fast_at(f, (vae_tensor){VAE_ARENA_ACTS, 0, 0}), *params = fast_at(f, (vae_tensor){VAE_ARENA_PARAMS, 0, 0});
    uint64_t s = 9;
    for (int i = 0; i < 2048; i++)
        acts[i] = (float)test_uniform(&s, -1, 1) * 0x1p-15f;
    for (int i = 0; i < 8192; i++) {
        uint32_t u = test_float_bits((float)test_uniform(&s, -1, 1)) & ~0x1fffu;
        params[i] = test_bits_float(u | (i % 3 ? 0x1000u : 0x1234u));
    }
    /* each op alone */
    float alone[7][1024];
    for (int i = 0; i < 7; i++) {
        vae_program one = {&ops[i], 1, 1};
        if (vae_backend_run_program(be, &one) != 0 || be->vt->read(be, ops[i].t[0], alone[i]) != 0) {
            CHECK(0, "running op %d alone: %s", i, be->error);
            return;
        }
    }
    CHECK(memcmp(alone[0], alone[1], ops[0].t[0].count * 4) != 0 && memcmp(alone[4], alone[5], LB * LO * 4) != 0,
          "the operands tell mixed from fp32 (the outputs differ)");
    /* all in one recording, the copies shared */
    vae_program all = {ops, 7, 7};
    vae_recording *rec = NULL;
    if (be->vt->record(be, &all, &rec) != 0) {
        CHECK(0, "recording: %s", be->error);
        return;
    }
    size_t keep = fast_share_copies(rec->step, rec->count);
    const fast_product_plan *pp[7];
    for (int i = 0; i < 7; i++)
        pp[i] = rec->step[i].plan;
    CHECK(pp[2]->s.keep_at >= 0 && pp[2]->s.keep_at == pp[0]->s.keep_at && pp[3]->s.keep_at >= 0 &&
              pp[3]->s.keep_at == pp[1]->s.keep_at && pp[1]->s.keep_at != pp[0]->s.keep_at,
          "conv2d_forward fp32, mixed, fp32, mixed: the fp32 ones share one padded copy, the mixed ones "
          "another (kept at %lld, %lld, %lld, %lld)", (long long)pp[0]->s.keep_at, (long long)pp[1]->s.keep_at,
          (long long)pp[2]->s.keep_at, (long long)pp[3]->s.keep_at);
    CHECK(pp[4]->s.layout == FAST_COPY && pp[5]->s.layout == FAST_AS_IS && pp[6]->s.keep_at >= 0 &&
              pp[6]->s.keep_at == pp[4]->s.keep_at,
          "linear_forward mixed, fp32, mixed: the fp32 one reads the weights in place, the mixed ones share "
          "one rounded copy");
    if (fast_keep_reserve(f, keep) != 0 || vae_backend_run(be, rec) != 0) {
        CHECK(0, "running the recording: %s", be->error);
        be->vt->free_recording(be, rec);
        return;
    }
    for (int i = 0; i < 7; i++) {
        float got[1024];
        be->vt->read(be, ops[i].t[0], got);
        CHECK(memcmp(got, alone[i], ops[i].t[0].count * 4) == 0, "op %d (%s, %s) in the shared recording: the "
              "bits it has alone", i, vae_op_name(ops[i].kind), vae_precision_name(ops[i].precision));
    }
    be->vt->free_recording(be, rec);
    be->vt->destroy(be);
}

/* ---- 3: a backend that claims mixed products and computes fp32 ---- */


static void check_lockstep_catches(void) {
    fp32_pretending f;
    vae_backend *be = fp32_pretending_wrap(&f, fast_open(2, "default"));
    vae_backend *ref = reference_open();
    vae_selftest_train_options o;
    vae_selftest_train_default(&o);
    o.precision = VAE_PRECISION_MIXED;
    static vae_selftest_train_result r;
    int status = vae_selftest_train(be, ref, &o, &r);
    double kl = 0;
    for (int s = 0; s < r.steps_run; s++)
        kl = r.step[s].rel[2] > kl ? r.step[s].rel[2] : kl;
    CHECK(status == 0 && !r.pass && r.params.nmse > VAE_SELFTEST_MIXED_STATE_NMSE,
          "products left in fp32 fail the mixed lockstep: parameters' nMSE %.1e (bound %g), KL off by %.1e "
          "(bound %g)", r.params.nmse, VAE_SELFTEST_MIXED_STATE_NMSE, kl, VAE_SELFTEST_MIXED_LOSS_REL);
    ref->vt->destroy(ref);
    be->vt->destroy(be);
}

int main(void) {
    check_roundings();
    check_shared_copies();
    check_lockstep_catches();
    return failures ? 1 : 0;
}
