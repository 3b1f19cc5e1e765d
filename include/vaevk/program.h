/* A program is a list of operations on tensors: the model's forward pass,
 * loss, backward pass and optimiser step written once, then recorded by a
 * backend (the CPU reference interprets it, Vulkan turns each op into a
 * dispatch). Adding a backend means implementing these ops and nothing else.
 *
 * Each op names its tensors t[] and integer sizes d[] in the order below;
 * shapes and semantics are those of the matching function in vaevk/ops.h. */
#ifndef VAEVK_PROGRAM_H
#define VAEVK_PROGRAM_H

#include <stddef.h>

#include "vaevk/tensor.h"

typedef enum {
    /* t: x out, pixels, step_in             d: B, S          (flip from FLIP stream if step_in.flip) */
    VAE_OP_INPUT_CONVERT,
    /* t: out, in, w                         d: B, Cin, H, W, Cout */
    VAE_OP_CONV2D_FWD,
    /* t: din, dout, w                       d: B, Cin, H, W, Cout */
    VAE_OP_CONV2D_BWD_INPUT,
    /* t: dw, dout, in                       d: B, Cin, H, W, Cout */
    VAE_OP_CONV2D_BWD_WEIGHT,
    VAE_OP_CONVT_FWD,           /* as the three above, for conv_transpose2d */
    VAE_OP_CONVT_BWD_INPUT,
    VAE_OP_CONVT_BWD_WEIGHT,
    /* t: out, in, w                         d: B, I, O */
    VAE_OP_LINEAR_FWD,
    /* t: din, dout, w                       d: B, I, O, accumulate */
    VAE_OP_LINEAR_BWD_INPUT,
    /* t: dw, dout, in                       d: B, I, O */
    VAE_OP_LINEAR_BWD_WEIGHT,
    /* t: x (in place), b                    d: B, C, N */
    VAE_OP_BIAS_FWD,
    /* t: db, dout                           d: B, C, N */
    VAE_OP_BIAS_BWD,
    /* t: out, in                            d: n        f: slope */
    VAE_OP_LEAKY_RELU_FWD,
    /* t: din, dout, in                      d: n        f: slope */
    VAE_OP_LEAKY_RELU_BWD,
    VAE_OP_RELU_FWD,            /* t: out, in            d: n */
    VAE_OP_RELU_BWD,            /* t: din, dout, in      d: n */
    VAE_OP_TANH_FWD,            /* t: out, in            d: n */
    VAE_OP_TANH_BWD,            /* t: din, dout, out     d: n */
    /* t: eps out, step_in                   d: n   (normals of stream EPS at step_in.step) */
    VAE_OP_EPS_NORMAL,
    /* t: z, mu, log_var, eps                d: n */
    VAE_OP_REPARAM_FWD,
    /* t: dmu, dlog_var, dz, log_var, eps    d: n */
    VAE_OP_REPARAM_BWD,
    /* t: kl (B), mu, log_var                d: B, L */
    VAE_OP_KL_FWD,
    /* t: dmu, dlog_var, mu, log_var, step_in, loss_scaler   d: B, L
     * (accumulates S·beta times the gradient; beta from step_in) */
    VAE_OP_KL_BWD,
    /* t: sse (B), xhat, x                   d: B, N */
    VAE_OP_MSE_FWD,
    /* t: dxhat, xhat, x, loss_scaler        d: B, N   (S times the gradient) */
    VAE_OP_MSE_BWD,
    /* t: step_out, sse, kl, step_in         d: B */
    VAE_OP_LOSS_REDUCE,
    /* t: p, g, m, v, step_in, loss_scaler   d: n        f: 1-b1, 1-b2, eps
     * (g divided by S; nothing written when loss_scaler.found) */
    VAE_OP_ADAM,
    /* t: out (S), z (S,L), mu (N,L), log_var (N,L)   d: S, N, L
     * out[s] = log of the mixture (1/N) Σ_n N(z_s; mu_n, exp(log_var_n)):
     * the aggregate posterior's log-density (src/viz/aggregate.h) */
    VAE_OP_AGGREGATE_LOG_DENSITY,
    /* t: loss_scaler, g                     d: n   (found = 1 if any g is inf or NaN;
     * never cleared here: the update clears it) */
    VAE_OP_LOSS_SCALE_CHECK,
    /* t: loss_scaler, step_out              d: interval
     * found: S halved, clean = 0, skipped + 1; else clean + 1 and, at
     * `interval`, S doubled and clean = 0; S kept in [2^-24, 2^24]; found
     * cleared; S and skipped copied to step_out */
    VAE_OP_LOSS_SCALE_UPDATE,
    /* t: x out, images, indices (B), step_in    d: B, S, N, first
     * input_convert of the images a batch names: x row b from image
     * indices[b] - first of `images` (N images (S,S,3) uint8, packed 4 per
     * word) when that is in [0, N), flipped as input_convert flips row b;
     * rows whose index is outside are left as they are, so a dataset larger
     * than one binding is gathered by one op per chunk */
    VAE_OP_INPUT_GATHER,
    VAE_OP_COUNT
} vae_op_kind;

#define VAE_OP_MAX_TENSORS 6
#define VAE_OP_MAX_DIMS 5

/* How a product (a convolution or linear layer, forward or backward) is
 * computed. Every other op ignores it: element-wise ops, reductions, the
 * loss and Adam are fp32 in both. */
typedef enum {
    VAE_PRECISION_FP32,  /* fp32 operands, fp32 sums (double in the reference) */
    /* both operands rounded to binary16 as they are loaded (vae_round_f16,
     * vaevk/half.h), the products summed in fp32 (double in the reference):
     * what matrix units compute. The output, and the old value a product
     * adds to (linear_backward_input's accumulate), stay fp32. */
    VAE_PRECISION_MIXED,
} vae_precision;

typedef struct {
    vae_op_kind kind;
    vae_tensor t[VAE_OP_MAX_TENSORS];
    int32_t d[VAE_OP_MAX_DIMS];
    float f[3];
    vae_precision precision; /* products only */
} vae_op;

typedef struct {
    vae_op *ops;
    int count, capacity;
} vae_program;

/* Appends an op; returns 0, or -1 when out of memory. */
int vae_program_push(vae_program *p, const vae_op *op);
void vae_program_free(vae_program *p);
/* Sets the precision of every product op of p. */
void vae_program_set_precision(vae_program *p, vae_precision precision);
/* "fp32" or "mixed". */
const char *vae_precision_name(vae_precision precision);

/* ---- what every op is: one table that every backend and the selftest read.
 * Backends plan by these facts, never by the order of the kinds. */

typedef enum {
    VAE_FAMILY_PRODUCT,     /* a layer's sums of products (convolutions, linear layers) */
    VAE_FAMILY_ELEMENTWISE, /* each output word from the same position of the inputs */
    VAE_FAMILY_REDUCTION,   /* each output a sum over many input words */
} vae_op_family;

/* Products: which layer, and which of its three products. */
typedef enum { VAE_LAYER_NONE, VAE_LAYER_CONV2D, VAE_LAYER_CONVT, VAE_LAYER_LINEAR } vae_layer;
typedef enum { VAE_PASS_NONE, VAE_PASS_FORWARD, VAE_PASS_BACKWARD_INPUT, VAE_PASS_BACKWARD_WEIGHT } vae_pass;

typedef struct {
    const char *name;      /* "conv2d_forward" */
    const char *dims;      /* the names of d[], "B Cin H W Cout" */
    int tensors;           /* how many of t[] the op uses */
    int sizes;             /* how many of d[] are sizes, which must be positive */
    unsigned writes;       /* bit k: the op writes t[k]; it only reads the others */
    vae_op_family family;
    vae_layer layer;
    vae_pass pass;
    /* The reference computes it with correctly rounded + - x only, so every
     * backend must give the same bits. */
    int exact;
} vae_op_info;

/* NULL for a kind that is not an op. */
const vae_op_info *vae_op_info_of(vae_op_kind kind);
const char *vae_op_name(vae_op_kind kind);
/* Number of tensors each op uses (the rest of t[] is unused). */
int vae_op_tensor_count(vae_op_kind kind);
/* d[] by name into out: "B=2 Cin=5 H=8 W=10 Cout=3". */
void vae_op_sizes_text(const vae_op *op, char *out, size_t outlen);

/* An op's sizes, worked out from its kind and d[] alone. */
typedef struct {
    uint32_t words[VAE_OP_MAX_TENSORS]; /* words each tensor must hold */
    uint32_t work;   /* independent results: the words of the output (loss_reduce and
                      * loss_scale_update: 1; loss_scale_check: n, one test per gradient) */
    uint32_t terms;  /* values summed into each result; 0 for element-wise ops */
} vae_op_size;

/* -1 with one line in err for a size that is not positive, a convolution
 * input too small to have outputs, or anything past 32-bit indexing. */
int vae_op_size_of(const vae_op *op, vae_op_size *size, char *err, size_t errlen);
/* Every op's sizes, and every tensor inside arenas of these sizes (words)
 * and as large as its op needs; -1 with one line naming the op otherwise. */
int vae_program_check(const vae_program *p, const uint32_t words[VAE_ARENA_COUNT], char *err,
                      size_t errlen);

#endif
