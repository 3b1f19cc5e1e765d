/* The reference backend: arenas are plain memory and a recording is the
 * program itself, interpreted op by op with the functions of vaevk/ops.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/backend.h"
#include "vaevk/half.h"
#include "vaevk/ops.h"
#include "vaevk/rng.h"
#include "cpu/ops_f64.h"
#include "cpu/reference_f64.h"
#include "cpu/reference_run.h"

typedef struct {
    vae_backend base;
    int f64;  /* double-precision arenas (all but IO), for gradient checks */
    void *arena[VAE_ARENA_COUNT];
    uint32_t words[VAE_ARENA_COUNT];
} reference_backend;

struct vae_recording {
    vae_program program;
};

static reference_backend *ref(vae_backend *be) { return (reference_backend *)be; }

/* Bytes per element: the IO and DATA arenas hold raw words (pixels, step fields). */
static size_t elem_size(const reference_backend *c, uint32_t arena) {
    return c->f64 && !vae_arena_holds_words(arena) ? sizeof(double) : sizeof(float);
}

static int reference_alloc_arenas(vae_backend *be, const uint32_t words[VAE_ARENA_COUNT]) {
    reference_backend *c = ref(be);
    for (uint32_t a = 0; a < VAE_ARENA_COUNT; a++) {
        free(c->arena[a]);
        /* at least one element, so every arena has an address */
        c->arena[a] = calloc(words[a] ? words[a] : 1, elem_size(c, a));
        c->words[a] = words[a];
        if (!c->arena[a]) {
            snprintf(be->error, sizeof be->error,
                     "out of memory allocating %u MiB for the reference backend: try a smaller --batch",
                     (unsigned)(words[a] / (1u << 18)));
            return -1;
        }
    }
    return 0;
}

static int check_range(vae_backend *be, vae_tensor t) {
    if (t.arena >= VAE_ARENA_COUNT || t.offset + t.count > ref(be)->words[t.arena] ||
        t.offset + t.count < t.offset) {
        snprintf(be->error, sizeof be->error, "tensor [%u, +%u) is outside arena %u of %u words",
                 t.offset, t.count, t.arena, t.arena < VAE_ARENA_COUNT ? ref(be)->words[t.arena] : 0);
        return -1;
    }
    return 0;
}

static void *at(vae_backend *be, vae_tensor t) {
    reference_backend *c = ref(be);
    return (char *)c->arena[t.arena] + (size_t)t.offset * elem_size(c, t.arena);
}

static int reference_write(vae_backend *be, vae_tensor t, const void *src) {
    if (check_range(be, t) != 0)
        return -1;
    if (elem_size(ref(be), t.arena) == sizeof(float)) {
        memcpy(at(be, t), src, (size_t)t.count * 4);
    } else {
        double *dst = at(be, t);
        for (uint32_t i = 0; i < t.count; i++)
            dst[i] = ((const float *)src)[i];
    }
    return 0;
}

static int reference_read(vae_backend *be, vae_tensor t, void *dst) {
    if (check_range(be, t) != 0)
        return -1;
    if (elem_size(ref(be), t.arena) == sizeof(float)) {
        memcpy(dst, at(be, t), (size_t)t.count * 4);
    } else {
        const double *src = at(be, t);
        for (uint32_t i = 0; i < t.count; i++)
            ((float *)dst)[i] = (float)src[i];
    }
    return 0;
}

static int f64_access(vae_backend *be, vae_tensor t) {
    if (!ref(be)->f64 || vae_arena_holds_words(t.arena)) {
        snprintf(be->error, sizeof be->error, "double access needs a double-precision CPU backend");
        return -1;
    }
    return check_range(be, t);
}

int vae_reference_write_f64(vae_backend *be, vae_tensor t, const double *src) {
    if (f64_access(be, t) != 0)
        return -1;
    memcpy(at(be, t), src, (size_t)t.count * sizeof(double));
    return 0;
}

int vae_reference_read_f64(vae_backend *be, vae_tensor t, double *dst) {
    if (f64_access(be, t) != 0)
        return -1;
    memcpy(dst, at(be, t), (size_t)t.count * sizeof(double));
    return 0;
}

static int reference_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    if (vae_program_check(prog, ref(be)->words, be->error, sizeof be->error) != 0 ||
        vae_backend_check_precision(be, prog) != 0)
        return -1;
    vae_recording *rec = calloc(1, sizeof *rec);
    if (!rec)
        goto oom;
    rec->program.ops = malloc((size_t)(prog->count ? prog->count : 1) * sizeof(vae_op));
    if (!rec->program.ops) {
        free(rec);
        goto oom;
    }
    memcpy(rec->program.ops, prog->ops, (size_t)prog->count * sizeof(vae_op));
    rec->program.count = rec->program.capacity = prog->count;
    *out = rec;
    return 0;
oom:
    snprintf(be->error, sizeof be->error, "out of memory recording a program");
    return -1;
}

static uint64_t step_seed(const vae_step_in *s) {
    return (uint64_t)s->seed_lo | (uint64_t)s->seed_hi << 32;
}

/* Which images the FLIP stream mirrors this step; NULL when none. */
static uint8_t *flips(const vae_step_in *s, int B) {
    if (!s->flip)
        return NULL;
    uint8_t *flip = calloc((size_t)B, 1);
    for (int b = 0; flip && b < B; b++)
        flip[b] = vae_rng_u32(step_seed(s), VAE_STREAM_FLIP, s->step, (uint32_t)b) & 1u;
    return flip;
}

/* One op in precision T, calling the ops of suffix SFX (empty: float;
 * _f64: the double twins). */
#define RUN_OP(T, SFX)                                                                           \
    do {                                                                                         \
        T *t0 = AT(op->t[0]), *t1 = AT(op->t[1]), *t2 = AT(op->t[2]);                \
        T *t3 = AT(op->t[3]), *t4 = AT(op->t[4]);                                        \
        const vae_step_in *s;                                                                    \
        vae_loss_scaler *ls = AT(op->t[0]);                                                      \
        const vae_loss_scaler *scaler = AT(op->t[5]);                                            \
        uint8_t *flip;                                                                           \
        T sums[3];                                                                               \
        switch (op->kind) {                                                                      \
        case VAE_OP_INPUT_CONVERT:                                                               \
            s = AT(op->t[2]);                                                                \
            flip = flips(s, d[0]);                                                               \
            input_convert##SFX(t0, AT(op->t[1]), flip, d[0], d[1]);                          \
            free(flip);                                                                          \
            break;                                                                               \
        case VAE_OP_INPUT_GATHER:                                                                \
            s = AT(op->t[3]);                                                                    \
            flip = flips(s, d[0]);                                                               \
            input_gather##SFX(t0, AT(op->t[1]), AT(op->t[2]), flip, d[0], d[1], d[2],            \
                              (uint32_t)d[3]);                                                   \
            free(flip);                                                                          \
            break;                                                                               \
        case VAE_OP_CONV2D_FWD: conv2d_forward##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_CONV2D_BWD_INPUT: conv2d_backward_input##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_CONV2D_BWD_WEIGHT: conv2d_backward_weight##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_CONVT_FWD: conv_transpose2d_forward##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_CONVT_BWD_INPUT: conv_transpose2d_backward_input##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_CONVT_BWD_WEIGHT: conv_transpose2d_backward_weight##SFX(t0, t1, t2, d[0], d[1], d[2], d[3], d[4]); break; \
        case VAE_OP_LINEAR_FWD: linear_forward##SFX(t0, t1, t2, d[0], d[1], d[2]); break;       \
        case VAE_OP_LINEAR_BWD_INPUT: linear_backward_input##SFX(t0, t1, t2, d[0], d[1], d[2], d[3]); break; \
        case VAE_OP_LINEAR_BWD_WEIGHT: linear_backward_weight##SFX(t0, t1, t2, d[0], d[1], d[2]); break; \
        case VAE_OP_BIAS_FWD: bias_forward##SFX(t0, t1, d[0], d[1], d[2]); break;               \
        case VAE_OP_BIAS_BWD: bias_backward##SFX(t0, t1, d[0], d[1], d[2]); break;              \
        case VAE_OP_LEAKY_RELU_FWD: leaky_relu_forward##SFX(t0, t1, d[0], op->f[0]); break;     \
        case VAE_OP_LEAKY_RELU_BWD: leaky_relu_backward##SFX(t0, t1, t2, d[0], op->f[0]); break; \
        case VAE_OP_RELU_FWD: relu_forward##SFX(t0, t1, d[0]); break;                           \
        case VAE_OP_RELU_BWD: relu_backward##SFX(t0, t1, t2, d[0]); break;                      \
        case VAE_OP_TANH_FWD: tanh_forward##SFX(t0, t1, d[0]); break;                           \
        case VAE_OP_TANH_BWD: tanh_backward##SFX(t0, t1, t2, d[0]); break;                      \
        case VAE_OP_EPS_NORMAL:                                                                  \
            s = AT(op->t[1]);                                                                \
            for (int i = 0; i < d[0]; i++)                                                       \
                t0[i] = vae_rng_normal(step_seed(s), VAE_STREAM_EPS, s->step, (uint32_t)i);      \
            break;                                                                               \
        case VAE_OP_REPARAM_FWD: reparameterize_forward##SFX(t0, t1, t2, t3, d[0]); break;      \
        case VAE_OP_REPARAM_BWD: reparameterize_backward##SFX(t0, t1, t2, t3, t4, d[0]); break; \
        case VAE_OP_KL_FWD: kl_forward##SFX(t0, t1, t2, d[0], d[1]); break;                     \
        case VAE_OP_KL_BWD:                                                                      \
            s = AT(op->t[4]);                                                                \
            /* S·beta: exact, S a power of two */                                              \
            kl_backward_accumulate##SFX(t0, t1, t2, t3, d[0], d[1], scaler->scale * s->beta);    \
            break;                                                                               \
        case VAE_OP_MSE_FWD: mse_forward##SFX(t0, t1, t2, d[0], d[1]); break;                   \
        case VAE_OP_MSE_BWD:                                                                     \
            mse_backward##SFX(t0, t1, t2, d[0], d[1]);                                           \
            scaler = AT(op->t[3]);                                                               \
            for (size_t i = 0; i < (size_t)d[0] * (size_t)d[1]; i++)                             \
                t0[i] *= (T)scaler->scale; /* exact */                                           \
            break;                                                                               \
        case VAE_OP_LOSS_REDUCE: /* step_out is always float words */                           \
            s = AT(op->t[3]);                                                                \
            loss_reduce##SFX(sums, t1, t2, d[0], s->beta);                                       \
            for (int i = 0; i < 3; i++)                                                          \
                ((float *)AT(op->t[0]))[i] = (float)sums[i];                                 \
            break;                                                                               \
        case VAE_OP_ADAM:                                                                        \
            s = AT(op->t[4]);                                                                \
            if (!scaler->found)                                                                  \
                adam_update##SFX(t0, t1, t2, t3, d[0], op->f[0], op->f[1], op->f[2],             \
                                 s->adam_step_size, s->adam_inv_sqrt_bc2, 1 / (T)scaler->scale); \
            break;                                                                               \
        case VAE_OP_LOSS_SCALE_CHECK: loss_scale_check##SFX(ls, t1, d[0]); break;               \
        case VAE_OP_LOSS_SCALE_UPDATE: loss_scale_update(ls, AT(op->t[1]), d[0]); break;        \
        case VAE_OP_AGGREGATE_LOG_DENSITY:                                                       \
            aggregate_log_density##SFX(t0, t1, t2, t3, d[0], d[1], d[2]);                        \
            break;                                                                               \
        case VAE_OP_COUNT: break;                                                                \
        }                                                                                        \
    } while (0)

static void run_op_fp32(const vae_op *op, void *const arena[VAE_ARENA_COUNT]) {
    const int32_t *d = op->d;
#define AT(t) ((void *)((float *)arena[(t).arena] + (t).offset))
    RUN_OP(float, );
#undef AT
}

/* A mixed product: both operands (t[1], t[2]) rounded to binary16 in
 * place, the fp32 op run on them (its sums are in double), the operands
 * put back. The output and an accumulated old value are not rounded. */
static void run_mixed_product(const vae_op *op, void *const arena[VAE_ARENA_COUNT]) {
    vae_op_size size;
    char why[256];
    if (vae_op_size_of(op, &size, why, sizeof why) != 0)
        return; /* vae_program_check refused it when it was recorded */
    float *operand[2], *kept[2];
    for (int k = 0; k < 2; k++) {
        operand[k] = (float *)arena[op->t[k + 1].arena] + op->t[k + 1].offset;
        kept[k] = malloc((size_t)size.words[k + 1] * sizeof(float));
        if (kept[k])
            memcpy(kept[k], operand[k], (size_t)size.words[k + 1] * sizeof(float));
    }
    if (!kept[0] || !kept[1]) {
        /* no memory for the copies: NaN outputs, which every comparison
         * reports, rather than fp32 results passed off as mixed */
        float *out = (float *)arena[op->t[0].arena] + op->t[0].offset;
        for (uint32_t i = 0; i < size.words[0]; i++)
            out[i] = NAN;
    } else {
        for (int k = 0; k < 2; k++)
            for (uint32_t i = 0; i < size.words[k + 1]; i++)
                operand[k][i] = vae_round_f16(operand[k][i]);
        run_op_fp32(op, arena);
        for (int k = 1; k >= 0; k--) /* the first operand last, in case both are one tensor */
            memcpy(operand[k], kept[k], (size_t)size.words[k + 1] * sizeof(float));
    }
    free(kept[0]);
    free(kept[1]);
}

void vae_reference_run_op(const vae_op *op, void *const arena[VAE_ARENA_COUNT]) {
    if (op->precision == VAE_PRECISION_MIXED)
        run_mixed_product(op, arena);
    else
        run_op_fp32(op, arena);
}

void vae_reference_run_op_f64(const vae_op *op, void *const arena[VAE_ARENA_COUNT]) {
    const int32_t *d = op->d;
#define AT(t) (vae_arena_holds_words((t).arena) ? (void *)((float *)arena[(t).arena] + (t).offset) \
                                         : (void *)((double *)arena[(t).arena] + (t).offset))
    RUN_OP(double, _f64);
#undef AT
}

static int reference_submit(vae_backend *be, vae_recording *rec) {
    reference_backend *c = ref(be);
    for (int i = 0; i < rec->program.count; i++) {
        if (c->f64)
            vae_reference_run_op_f64(&rec->program.ops[i], c->arena);
        else
            vae_reference_run_op(&rec->program.ops[i], c->arena);
    }
    return 0;
}

static int reference_wait(vae_backend *be, vae_recording *rec) {
    (void)be;
    (void)rec;
    return 0;
}

static void reference_free_recording(vae_backend *be, vae_recording *rec) {
    (void)be;
    if (rec) {
        vae_program_free(&rec->program);
        free(rec);
    }
}

static void reference_destroy(vae_backend *be) {
    if (!be)
        return;
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(ref(be)->arena[a]);
    free(be);
}

static const vae_backend_vtable reference_vtable = {
    reference_alloc_arenas, reference_write, reference_read, reference_record, reference_submit, reference_wait,
    reference_free_recording, reference_destroy,
};

static vae_backend *create(int f64) {
    reference_backend *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->base.vt = &reference_vtable;
    c->base.is_cpu = 1;
    c->f64 = f64;
    /* the double twins are for gradient checks of the model as written */
    c->base.mixed = f64 ? VAE_MIXED_NONE : VAE_MIXED_EMULATED;
    snprintf(c->base.name, sizeof c->base.name, f64 ? "reference (plain C, float64)" : "reference (plain C)");
    return &c->base;
}

vae_backend *vae_reference_backend_create(void) { return create(0); }
vae_backend *vae_reference_backend_create_f64(void) { return create(1); }
