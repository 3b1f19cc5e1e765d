/* The CPU reference backend: arenas are plain memory and a recording is the
 * program itself, interpreted op by op with the functions of vaevk/ops.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/backend.h"
#include "vaevk/ops.h"
#include "vaevk/rng.h"
#include "core/cpu_f64.h"
#include "cpu/ops_f64.h"

typedef struct {
    vae_backend base;
    int f64;  /* double-precision arenas (all but IO), for gradient checks */
    void *arena[VAE_ARENA_COUNT];
    uint32_t words[VAE_ARENA_COUNT];
} cpu_backend;

struct vae_recording {
    vae_program program;
};

static cpu_backend *cpu(vae_backend *be) { return (cpu_backend *)be; }

/* Bytes per element: the IO arena holds raw words (pixels, step fields). */
static size_t elem_size(const cpu_backend *c, uint32_t arena) {
    return c->f64 && arena != VAE_ARENA_IO ? sizeof(double) : sizeof(float);
}

static int cpu_alloc_arenas(vae_backend *be, const uint32_t words[VAE_ARENA_COUNT]) {
    cpu_backend *c = cpu(be);
    for (uint32_t a = 0; a < VAE_ARENA_COUNT; a++) {
        free(c->arena[a]);
        /* at least one element, so every arena has an address */
        c->arena[a] = calloc(words[a] ? words[a] : 1, elem_size(c, a));
        c->words[a] = words[a];
        if (!c->arena[a]) {
            snprintf(be->error, sizeof be->error,
                     "out of memory allocating %u MiB for the CPU backend: try a smaller --batch",
                     (unsigned)(words[a] / (1u << 18)));
            return -1;
        }
    }
    return 0;
}

static int check_range(vae_backend *be, vae_tensor t) {
    if (t.arena >= VAE_ARENA_COUNT || t.offset + t.count > cpu(be)->words[t.arena] ||
        t.offset + t.count < t.offset) {
        snprintf(be->error, sizeof be->error, "tensor [%u, +%u) is outside arena %u of %u words",
                 t.offset, t.count, t.arena, t.arena < VAE_ARENA_COUNT ? cpu(be)->words[t.arena] : 0);
        return -1;
    }
    return 0;
}

static void *at(vae_backend *be, vae_tensor t) {
    cpu_backend *c = cpu(be);
    return (char *)c->arena[t.arena] + (size_t)t.offset * elem_size(c, t.arena);
}

static int cpu_write(vae_backend *be, vae_tensor t, const void *src) {
    if (check_range(be, t) != 0)
        return -1;
    if (elem_size(cpu(be), t.arena) == sizeof(float)) {
        memcpy(at(be, t), src, (size_t)t.count * 4);
    } else {
        double *dst = at(be, t);
        for (uint32_t i = 0; i < t.count; i++)
            dst[i] = ((const float *)src)[i];
    }
    return 0;
}

static int cpu_read(vae_backend *be, vae_tensor t, void *dst) {
    if (check_range(be, t) != 0)
        return -1;
    if (elem_size(cpu(be), t.arena) == sizeof(float)) {
        memcpy(dst, at(be, t), (size_t)t.count * 4);
    } else {
        const double *src = at(be, t);
        for (uint32_t i = 0; i < t.count; i++)
            ((float *)dst)[i] = (float)src[i];
    }
    return 0;
}

static int f64_access(vae_backend *be, vae_tensor t) {
    if (!cpu(be)->f64 || t.arena == VAE_ARENA_IO) {
        snprintf(be->error, sizeof be->error, "double access needs a double-precision CPU backend");
        return -1;
    }
    return check_range(be, t);
}

int vae_cpu_write_f64(vae_backend *be, vae_tensor t, const double *src) {
    if (f64_access(be, t) != 0)
        return -1;
    memcpy(at(be, t), src, (size_t)t.count * sizeof(double));
    return 0;
}

int vae_cpu_read_f64(vae_backend *be, vae_tensor t, double *dst) {
    if (f64_access(be, t) != 0)
        return -1;
    memcpy(dst, at(be, t), (size_t)t.count * sizeof(double));
    return 0;
}

static int cpu_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    for (int i = 0; i < prog->count; i++) {
        const vae_op *op = &prog->ops[i];
        for (int k = 0; k < vae_op_tensor_count(op->kind); k++) {
            if (check_range(be, op->t[k]) != 0) {
                char why[sizeof be->error];
                memcpy(why, be->error, sizeof why);
                snprintf(be->error, sizeof be->error, "op %d (%s), tensor %d: %.400s", i,
                         vae_op_name(op->kind), k, why);
                return -1;
            }
        }
    }
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
        T *t0 = at(be, op->t[0]), *t1 = at(be, op->t[1]), *t2 = at(be, op->t[2]);                \
        T *t3 = at(be, op->t[3]), *t4 = at(be, op->t[4]);                                        \
        const vae_step_in *s;                                                                    \
        uint8_t *flip;                                                                           \
        T sums[3];                                                                               \
        switch (op->kind) {                                                                      \
        case VAE_OP_INPUT_CONVERT:                                                               \
            s = at(be, op->t[2]);                                                                \
            flip = flips(s, d[0]);                                                               \
            input_convert##SFX(t0, at(be, op->t[1]), flip, d[0], d[1]);                          \
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
            s = at(be, op->t[1]);                                                                \
            for (int i = 0; i < d[0]; i++)                                                       \
                t0[i] = vae_rng_normal(step_seed(s), VAE_STREAM_EPS, s->step, (uint32_t)i);      \
            break;                                                                               \
        case VAE_OP_REPARAM_FWD: reparameterize_forward##SFX(t0, t1, t2, t3, d[0]); break;      \
        case VAE_OP_REPARAM_BWD: reparameterize_backward##SFX(t0, t1, t2, t3, t4, d[0]); break; \
        case VAE_OP_KL_FWD: kl_forward##SFX(t0, t1, t2, d[0], d[1]); break;                     \
        case VAE_OP_KL_BWD:                                                                      \
            s = at(be, op->t[4]);                                                                \
            kl_backward_accumulate##SFX(t0, t1, t2, t3, d[0], d[1], s->beta);                    \
            break;                                                                               \
        case VAE_OP_MSE_FWD: mse_forward##SFX(t0, t1, t2, d[0], d[1]); break;                   \
        case VAE_OP_MSE_BWD: mse_backward##SFX(t0, t1, t2, d[0], d[1]); break;                  \
        case VAE_OP_LOSS_REDUCE: /* step_out is always float words */                           \
            s = at(be, op->t[3]);                                                                \
            loss_reduce##SFX(sums, t1, t2, d[0], s->beta);                                       \
            for (int i = 0; i < 3; i++)                                                          \
                ((float *)at(be, op->t[0]))[i] = (float)sums[i];                                 \
            break;                                                                               \
        case VAE_OP_ADAM:                                                                        \
            s = at(be, op->t[4]);                                                                \
            adam_update##SFX(t0, t1, t2, t3, d[0], op->f[0], op->f[1], op->f[2],                 \
                             s->adam_step_size, s->adam_inv_sqrt_bc2);                           \
            break;                                                                               \
        case VAE_OP_COUNT: break;                                                                \
        }                                                                                        \
    } while (0)

static void run_op(vae_backend *be, const vae_op *op) {
    const int32_t *d = op->d;
    if (cpu(be)->f64)
        RUN_OP(double, _f64);
    else
        RUN_OP(float, );
}

static int cpu_submit(vae_backend *be, vae_recording *rec) {
    for (int i = 0; i < rec->program.count; i++)
        run_op(be, &rec->program.ops[i]);
    return 0;
}

static int cpu_wait(vae_backend *be, vae_recording *rec) {
    (void)be;
    (void)rec;
    return 0;
}

static void cpu_free_recording(vae_backend *be, vae_recording *rec) {
    (void)be;
    if (rec) {
        vae_program_free(&rec->program);
        free(rec);
    }
}

static void cpu_destroy(vae_backend *be) {
    if (!be)
        return;
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(cpu(be)->arena[a]);
    free(be);
}

static const vae_backend_vtable cpu_vtable = {
    cpu_alloc_arenas, cpu_write, cpu_read, cpu_record, cpu_submit, cpu_wait,
    cpu_free_recording, cpu_destroy,
};

static vae_backend *create(int f64) {
    cpu_backend *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->base.vt = &cpu_vtable;
    c->base.is_cpu = 1;
    c->f64 = f64;
    snprintf(c->base.name, sizeof c->base.name, f64 ? "cpu (reference, float64)" : "cpu (reference)");
    return &c->base;
}

vae_backend *vae_cpu_backend_create(void) { return create(0); }
vae_backend *vae_cpu_backend_create_f64(void) { return create(1); }
