/* Checks of the CPU ops that do not lean on finite differences: adjoint
 * identities, the exact equality of conv_transpose2d with conv2d's backward
 * pass, hand-computed values, and Adam steps worked out by hand. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"
#include "cpu_check.h"

#include <math.h>
#include <string.h>

#define U53 0x1p-53

/* ---- adjoints: <f(x; w), y> == <x, df_x(y; w)> == <w, df_w(y; x)> ----
 * Both sides sum the same products x·w·y in different orders. Each product
 * passes through at most m roundings on either side (its two multiplies plus
 * the additions of the inner and the outer sum it belongs to), so the sides
 * differ by at most 2·m·2^-53·T, T = Σ|x||w||y| = <f(|x|; |w|), |y|>. */

typedef void (*conv_fn)(double *, const double *, const double *, int, int, int, int, int);

static void abs_copy(double *dst, const double *src, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = fabs(src[i]);
}

static int check_conv_adjoint(int transpose, int B, int Cin, int H, int W, int Cout,
                              uint64_t *s) {
    conv_fn fwd = transpose ? conv_transpose2d_forward_f64 : conv2d_forward_f64;
    conv_fn bin = transpose ? conv_transpose2d_backward_input_f64 : conv2d_backward_input_f64;
    conv_fn bw = transpose ? conv_transpose2d_backward_weight_f64 : conv2d_backward_weight_f64;
    size_t nx = (size_t)B * Cin * H * W, nw = (size_t)Cin * Cout * 16;
    size_t ny = transpose ? nx / Cin * Cout * 4 : nx / Cin * Cout / 4;
    double *x = ALLOC_D(nx), *w = ALLOC_D(nw), *y = ALLOC_D(ny), *fx = ALLOC_D(ny);
    double *dx = ALLOC_D(nx), *dw = ALLOC_D(nw), *ax = ALLOC_D(nx), *aw = ALLOC_D(nw);
    double *ay = ALLOC_D(ny);
    fill_f64(x, nx, s, -1, 1);
    fill_f64(w, nw, s, -1, 1);
    fill_f64(y, ny, s, -1, 1);
    fwd(fx, x, w, B, Cin, H, W, Cout);
    bin(dx, y, w, B, Cin, H, W, Cout);
    bw(dw, y, x, B, Cin, H, W, Cout);
    double lhs = dot_f64(fx, y, ny), rx = dot_f64(x, dx, nx), rw = dot_f64(w, dw, nw);
    abs_copy(ax, x, nx);
    abs_copy(aw, w, nw);
    abs_copy(ay, y, ny);
    fwd(fx, ax, aw, B, Cin, H, W, Cout);
    double T = dot_f64(fx, ay, ny);
    /* Longest chain: 2 multiplies + the longest inner sum (16 taps per
     * channel, or a weight's B·H·W positions) + the longest outer sum. */
    double inner = fmax(16.0 * (Cin > Cout ? Cin : Cout), (double)B * H * W * (transpose ? 4 : 1));
    double m = 2.0 + inner + (double)(nx > ny ? (nx > nw ? nx : nw) : (ny > nw ? ny : nw));
    double bound = 2 * m * U53 * T;
    const char *name = transpose ? "conv_transpose2d" : "conv2d";
    char what[120];
    int fails = 0;
    snprintf(what, sizeof what, "%s <f(x),y> = <x,df_x(y)> B=%d %d->%d %dx%d", name, B, Cin,
             Cout, H, W);
    fails += report(what, fabs(lhs - rx), bound);
    snprintf(what, sizeof what, "%s <f(x),y> = <w,df_w(y)> B=%d %d->%d %dx%d", name, B, Cin,
             Cout, H, W);
    fails += report(what, fabs(lhs - rw), bound);
    free(x); free(w); free(y); free(fx); free(dx); free(dw); free(ax); free(aw); free(ay);
    return fails;
}

static int check_linear_adjoint(int B, int I, int O, uint64_t *s) {
    size_t nx = (size_t)B * I, nw = (size_t)O * I, ny = (size_t)B * O;
    double *x = ALLOC_D(nx), *w = ALLOC_D(nw), *y = ALLOC_D(ny), *fx = ALLOC_D(ny);
    double *dx = ALLOC_D(nx), *dw = ALLOC_D(nw);
    fill_f64(x, nx, s, -1, 1);
    fill_f64(w, nw, s, -1, 1);
    fill_f64(y, ny, s, -1, 1);
    linear_forward_f64(fx, x, w, B, I, O);
    linear_backward_input_f64(dx, y, w, B, I, O, 0);
    linear_backward_weight_f64(dw, y, x, B, I, O);
    double lhs = dot_f64(fx, y, ny), rx = dot_f64(x, dx, nx), rw = dot_f64(w, dw, nw);
    for (size_t i = 0; i < nx; i++) x[i] = fabs(x[i]);
    for (size_t i = 0; i < nw; i++) w[i] = fabs(w[i]);
    for (size_t i = 0; i < ny; i++) y[i] = fabs(y[i]);
    linear_forward_f64(fx, x, w, B, I, O);
    double T = dot_f64(fx, y, ny);
    double inner = I > O ? (I > B ? I : B) : (O > B ? O : B);
    double outer = (double)(nx > ny ? (nx > nw ? nx : nw) : (ny > nw ? ny : nw));
    double bound = 2 * (2.0 + inner + outer) * U53 * T;
    char what[120];
    int fails = 0;
    snprintf(what, sizeof what, "linear <f(x),y> = <x,df_x(y)> B=%d I=%d O=%d", B, I, O);
    fails += report(what, fabs(lhs - rx), bound);
    snprintf(what, sizeof what, "linear <f(x),y> = <w,df_w(y)> B=%d I=%d O=%d", B, I, O);
    fails += report(what, fabs(lhs - rw), bound);
    free(x); free(w); free(y); free(fx); free(dx); free(dw);
    return fails;
}

/* ---- conv_transpose2d is conv2d's backward pass, bit for bit ----
 * With conv2d weights (Cout,Cin,4,4) read as transposed-conv weights
 * (Cin',Cout',4,4) with Cin' = Cout and Cout' = Cin, the two ops of each pair
 * visit the same products in the same order and accumulate them in double,
 * so the float results are identical: the bound is 0. */

static double max_abs_diff(const float *a, const float *b, size_t n) {
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (isnan(d) || d > worst) worst = d;
    }
    return worst;
}

static int check_transpose_pairs(int B, int Cin, int H, int W, int Cout, uint64_t *s) {
    size_t nx = (size_t)B * Cin * H * W, ny = (size_t)B * Cout * (H / 2) * (W / 2);
    size_t nw = (size_t)Cout * Cin * 16;
    size_t nmax = nx > ny ? nx : ny;
    if (nw > nmax) nmax = nw;
    float *x = ALLOC_F(nx), *y = ALLOC_F(ny), *w = ALLOC_F(nw);
    float *a = ALLOC_F(nmax), *b = ALLOC_F(nmax);
    double *scratch = ALLOC_D(nmax);
    fill_pair(x, scratch, nx, s, -1, 1);
    fill_pair(y, scratch, ny, s, -1, 1);
    fill_pair(w, scratch, nw, s, -1, 1);
    int fails = 0;
    char what[120];
    conv2d_backward_input(a, y, w, B, Cin, H, W, Cout);
    conv_transpose2d_forward(b, y, w, B, Cout, H / 2, W / 2, Cin);
    snprintf(what, sizeof what, "conv_transpose2d_forward == conv2d_backward_input %dx%d", H, W);
    fails += report(what, max_abs_diff(a, b, nx), 0.0);
    conv2d_forward(a, x, w, B, Cin, H, W, Cout);
    conv_transpose2d_backward_input(b, x, w, B, Cout, H / 2, W / 2, Cin);
    snprintf(what, sizeof what, "conv2d_forward == conv_transpose2d_backward_input %dx%d", H, W);
    fails += report(what, max_abs_diff(a, b, ny), 0.0);
    conv2d_backward_weight(a, y, x, B, Cin, H, W, Cout);
    conv_transpose2d_backward_weight(b, x, y, B, Cout, H / 2, W / 2, Cin);
    snprintf(what, sizeof what, "conv2d_backward_weight == conv_transpose2d_bw_weight %dx%d",
             H, W);
    fails += report(what, max_abs_diff(a, b, nw), 0.0);
    free(x); free(y); free(w); free(a); free(b); free(scratch);
    return fails;
}

/* ---- hand-computed values: exact small integers, so the bound is 0 ---- */

static int expect(const char *what, const float *got, const float *want, size_t n) {
    return report(what, max_abs_diff(got, want, n), 0.0);
}

static int check_hand_conv(void) {
    float k[16], out[16], in4[16], ones[16];
    for (int i = 0; i < 16; i++) k[i] = (float)i;  // w[ky][kx] = 4·ky + kx
    for (int i = 0; i < 16; i++) ones[i] = 1.0f;
    const float in2[4] = {1, 2, 3, 4};  // [[1,2],[3,4]]
    int fails = 0;
    /* 2x2 -> 1x1: rows/cols -1..2 of the padded input, so kernel taps
     * (1,1),(1,2),(2,1),(2,2) = 5,6,9,10 meet 1,2,3,4: 5+12+27+40 = 84. */
    conv2d_forward(out, in2, k, 1, 1, 2, 2, 1);
    fails += expect("conv2d 2x2 hand value 84", out, (const float[]){84}, 1);
    /* 4x4 ones, kernel ones -> 2x2: every output sees 3x3 taps inside. */
    for (int i = 0; i < 16; i++) in4[i] = 1.0f;
    conv2d_forward(out, in4, ones, 1, 1, 4, 4, 1);
    fails += expect("conv2d 4x4 ones: padding leaves 9 taps", out, (const float[]){9, 9, 9, 9}, 4);
    /* dw from dout = 1 at the single output: the 2x2 input lands on taps 1..2. */
    conv2d_backward_weight(out, (const float[]){1}, in2, 1, 1, 2, 2, 1);
    const float dw[16] = {0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0};
    fails += expect("conv2d_backward_weight 2x2 hand values", out, dw, 16);
    /* 1x1 value 2 -> 2x2: output (oy,ox) takes tap (oy+1, ox+1). */
    conv_transpose2d_forward(out, (const float[]){2}, k, 1, 1, 1, 1, 1);
    fails += expect("conv_transpose2d 1x1 -> 2x2 hand values", out,
                    (const float[]){10, 12, 18, 20}, 4);
    return fails;
}

static int check_hand_linear_bias(void) {
    const float w[6] = {1, 0, -1, 2, 2, 2};  // (O=2, I=3)
    float out[12];
    int fails = 0;
    linear_forward(out, (const float[]){1, 2, 3}, w, 1, 3, 2);
    fails += expect("linear_forward hand values", out, (const float[]){-2, 12}, 2);
    linear_backward_input(out, (const float[]){1, 1}, w, 1, 3, 2, 0);
    fails += expect("linear_backward_input hand values", out, (const float[]){3, 2, 1}, 3);
    linear_backward_input(out, (const float[]){1, 1}, w, 1, 3, 2, 1);
    fails += expect("linear_backward_input accumulate doubles", out,
                    (const float[]){6, 4, 2}, 3);
    linear_backward_weight(out, (const float[]){1, -1}, (const float[]){1, 2, 3}, 1, 3, 2);
    fails += expect("linear_backward_weight hand values", out,
                    (const float[]){1, 2, 3, -1, -2, -3}, 6);
    memset(out, 0, sizeof out);  // (B=2, C=2, N=3)
    bias_forward(out, (const float[]){1, -2}, 2, 2, 3);
    fails += expect("bias_forward hand values", out,
                    (const float[]){1, 1, 1, -2, -2, -2, 1, 1, 1, -2, -2, -2}, 12);
    bias_backward(out, (const float[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
    fails += expect("bias_backward hand values", out, (const float[]){1 + 2 + 3 + 7 + 8 + 9,
                    4 + 5 + 6 + 10 + 11 + 12}, 2);
    return fails;
}

/* Activations at and around 0, where PyTorch's convention matters, and the
 * in-place backward that the header allows. */
static int check_hand_activations(void) {
    const float x[4] = {-1, 0, 0.5f, 2}, g[4] = {1, 1, 1, 1};
    float out[4], inplace[4];
    int fails = 0;
    leaky_relu_forward(out, x, 4, 0.25f);
    fails += expect("leaky_relu_forward(0.25) hand values", out,
                    (const float[]){-0.25f, 0, 0.5f, 2}, 4);
    leaky_relu_backward(out, g, x, 4, 0.25f);
    fails += expect("leaky_relu_backward: slope at 0", out, (const float[]){0.25f, 0.25f, 1, 1}, 4);
    relu_forward(out, x, 4);
    fails += expect("relu_forward hand values", out, (const float[]){0, 0, 0.5f, 2}, 4);
    relu_backward(out, g, x, 4);
    fails += expect("relu_backward: 0 at 0", out, (const float[]){0, 0, 1, 1}, 4);
    tanh_forward(out, (const float[]){0}, 1);
    tanh_backward(out + 1, (const float[]){3}, out, 1);
    fails += expect("tanh(0) = 0, tanh'(0) = 1", out, (const float[]){0, 3}, 2);
    const float y[4] = {0.5f, -0.75f, 0.25f, 1.5f};
    memcpy(inplace, y, sizeof inplace);
    leaky_relu_backward(out, y, x, 4, 0.2f);
    leaky_relu_backward(inplace, inplace, x, 4, 0.2f);
    fails += expect("leaky_relu_backward in place", inplace, out, 4);
    memcpy(inplace, y, sizeof inplace);
    relu_backward(out, y, x, 4);
    relu_backward(inplace, inplace, x, 4);
    fails += expect("relu_backward in place", inplace, out, 4);
    memcpy(inplace, y, sizeof inplace);
    tanh_backward(out, y, x + 2, 2);  // x+2 = {0.5, 2}: any values will do
    tanh_backward(inplace, inplace, x + 2, 2);
    fails += expect("tanh_backward in place", inplace, out, 2);
    return fails;
}

/* KL, reparameterisation and loss figures at points with exact answers. */
static int check_hand_latent_loss(void) {
    float kl[2], a[4], b[4];
    const float zero[4] = {0, 0, 0, 0}, one[4] = {1, 1, 1, 1};
    int fails = 0;
    /* KL(N(0,1) || N(0,1)) = 0; with mu = 1 each dim adds mu²/2 = 0.5. */
    kl_forward(kl, zero, zero, 1, 4);
    kl_forward(kl + 1, one, zero, 1, 4);
    fails += expect("kl(mu=0,lv=0) = 0; kl(mu=1,lv=0) = 2 over 4 dims", kl,
                    (const float[]){0, 2}, 2);
    memcpy(a, one, sizeof a);
    memcpy(b, one, sizeof b);
    kl_backward_accumulate(a, b, zero, zero, 2, 2, 3.0f);
    fails += expect("kl_backward at the prior adds nothing (mu)", a, one, 4);
    fails += expect("kl_backward at the prior adds nothing (log_var)", b, one, 4);
    kl_backward_accumulate(a, b, one, zero, 2, 2, 3.0f);  // dmu += 3·1/2
    fails += expect("kl_backward dmu += beta*mu/B", a, (const float[]){2.5f, 2.5f, 2.5f, 2.5f}, 4);
    /* exp(0) = 1: z = mu + eps and dlog_var = dz·eps/2. */
    const float mu[2] = {1, -2}, eps[2] = {0.5f, 3};
    reparameterize_forward(a, mu, zero, eps, 2);
    fails += expect("reparameterize at log_var=0: z = mu + eps", a, (const float[]){1.5f, 1}, 2);
    reparameterize_backward(a, b, (const float[]){2, 4}, zero, eps, 2);
    fails += expect("reparameterize_backward dmu = dz", a, (const float[]){2, 4}, 2);
    fails += expect("reparameterize_backward dlog_var = dz*eps/2", b, (const float[]){0.5f, 6}, 2);
    float sse[2], dx[4], loss[3];
    const float xhat[4] = {1, 2, 0, -3};
    mse_forward(sse, xhat, zero, 2, 2);
    fails += expect("mse_forward hand values", sse, (const float[]){5, 9}, 2);
    mse_backward(dx, xhat, zero, 2, 2);  // 2·(xhat - 0)/2
    fails += expect("mse_backward hand values", dx, xhat, 4);
    loss_reduce(loss, (const float[]){2, 4}, (const float[]){1, 3}, 2, 0.5f);
    fails += expect("loss_reduce {loss, recon, kl} = {4, 3, 2}", loss, (const float[]){4, 3, 2}, 3);
    return fails;
}

/* ---- Adam ---- */

/* One step from zero moments is lr·g/(|g| + eps) ≈ lr·sign(g) in exact
 * arithmetic. The bound adds: the eps effect (lr·eps/|g|), the float b1 and
 * b2 (1 - 0.9f and 1 - 0.999f miss 0.1 and 0.001 by 2.4e-7 and 1.3e-5
 * relative, moving the step by under 1e-5·lr), the step's own few roundings,
 * and the rounding of p near 0.5 (2^-25). */
static int check_adam_one_step(void) {
    const float g[6] = {1e-3f, -1e-3f, 0.5f, -1, 100, -37};
    const float lr = 1e-3f, eps = 1e-8f, p0 = 0.5f;
    float p[6], m[6] = {0}, v[6] = {0}, ss, ib;
    for (int i = 0; i < 6; i++) p[i] = p0;
    adam_step_scalars(lr, 0.9, 0.999, 1, &ss, &ib);
    adam_update(p, g, m, v, 6, 0.1f, 0.001f, eps, ss, ib, 1.0f);
    double worst = 0.0;
    for (int i = 0; i < 6; i++) {
        double want = p0 - lr * (g[i] > 0 ? 1.0 : -1.0);
        double d = fabs(p[i] - want);
        if (isnan(d) || d > worst) worst = d;
    }
    double bound = lr * eps / 1e-3 + 1e-5 * lr + 8 * 0x1p-24 * lr + 0x1p-25;
    return report("adam one step from zero moments = p - lr*sign(g)", worst, bound);
}

/* With g = eps the step is lr·eps/(eps + eps) = lr/2: eps is added after
 * sqrt(v) is bias-corrected, not inside the sqrt (which would give ~lr).
 * Bound: the float b2 moves sqrt(v) by 6.4e-6 relative (so the step by
 * under 1e-5·lr), plus the rounding of p near 0.5 (2^-25). */
static int check_adam_eps(void) {
    const float lr = 1e-3f, eps = 1e-8f;
    float p = 0.5f, m = 0, v = 0, ss, ib;
    adam_step_scalars(lr, 0.9, 0.999, 1, &ss, &ib);
    adam_update(&p, &eps, &m, &v, 1, 0.1f, 0.001f, eps, ss, ib, 1.0f);
    return report("adam one step with g = eps: p - lr/2", fabs(p - (0.5 - lr / 2.0)),
                  1e-5 * lr + 0x1p-25);
}

/* The GPU kernel must round exactly as the CPU does, so the order of
 * operations spelled out in ops_adam.inc is pinned here bit for bit on
 * random values (bound 0). */
static int check_adam_rounding(uint64_t *s) {
    enum { N = 257 };
    float p[N], g[N], m[N], v[N], want_p[N], want_m[N], want_v[N];
    double scratch[N];
    fill_pair(p, scratch, N, s, -1, 1);
    fill_pair(g, scratch, N, s, -1, 1);
    fill_pair(m, scratch, N, s, -0.1, 0.1);
    fill_pair(v, scratch, N, s, 0, 0.01);
    const float omb1 = 0.1f, omb2 = 0.001f, eps = 1e-8f, ss = 0.0123f, ib = 7.5f;
    const float b1 = 1.0f - omb1, b2 = 1.0f - omb2;
    for (int i = 0; i < N; i++) {
        want_m[i] = b1 * m[i] + omb1 * g[i];
        want_v[i] = b2 * v[i] + omb2 * (g[i] * g[i]);
        want_p[i] = p[i] - ss * want_m[i] / (sqrtf(want_v[i]) * ib + eps);
    }
    adam_update(p, g, m, v, N, omb1, omb2, eps, ss, ib, 1.0f);
    double worst = fmax(max_abs_diff(p, want_p, N),
                        fmax(max_abs_diff(m, want_m, N), max_abs_diff(v, want_v, N)));
    return report("adam_update rounds as spelled out (p, m, v bitwise)", worst, 0.0);
}

/* Two steps by hand, with b1 = 7/8 and b2 = 1 - 2^-10 so that every moment is
 * exact in float and only the final arithmetic rounds. lr = 0.01, p0 = 1.
 *  step 1, g = 0.5:  m = 0.0625, v = 2^-12, step_size = 0.01/0.125 = 0.08,
 *    inv_sqrt_bc2 = 1/sqrt(2^-10) = 32, denom = 2^-6·32 + eps = 0.5 + eps,
 *    p = 1 - 0.08·0.0625/(0.5 + 1e-8) = 0.9900000002
 *  step 2, g = -0.25: m = 0.875·0.0625 - 0.125·0.25 = 0.0234375,
 *    v = (1-2^-10)·2^-12 + 2^-10·2^-4 = 0.0003049373626708984375,
 *    step_size = 0.01/(1 - 0.875²) = 0.01/0.234375,
 *    inv_sqrt_bc2 = 1/sqrt(1 - (1-2^-10)²) = 1/sqrt(0.001952171325683594),
 *    p = 0.9900000002 - step_size·m/(sqrt(v)·inv_sqrt_bc2 + eps) = 0.98746980729391
 * m and v must be exact; p may be off by its two roundings (2^-25 each, p in
 * [0.5, 1)) plus the update's roundings (~10·2^-24 of 0.0025, under 2e-9). */
static int check_adam_two_steps(void) {
    const double b1 = 0.875, b2 = 1.0 - 0x1p-10, lr = 0.01;
    float p = 1, m = 0, v = 0, ss, ib;
    const float g[2] = {0.5f, -0.25f};
    int fails = 0;
    adam_step_scalars(lr, b1, b2, 1, &ss, &ib);
    fails += report("adam_step_scalars step 1: step_size 0.08", fabs(ss - 0.08), 0.08 * 0x1p-24);
    fails += report("adam_step_scalars step 1: inv_sqrt_bc2 32", fabs(ib - 32.0), 0.0);
    adam_update(&p, &g[0], &m, &v, 1, (float)(1 - b1), (float)(1 - b2), 1e-8f, ss, ib, 1.0f);
    fails += report("adam step 1: p = 0.9900000002", fabs(p - 0.9900000002), 0x1p-25 + 2e-9);
    adam_step_scalars(lr, b1, b2, 2, &ss, &ib);
    adam_update(&p, &g[1], &m, &v, 1, (float)(1 - b1), (float)(1 - b2), 1e-8f, ss, ib, 1.0f);
    fails += report("adam step 2: m = 0.0234375 exactly", fabs(m - 0.0234375), 0.0);
    fails += report("adam step 2: v = 0.00030493736267... exactly",
                    fabs(v - 0.0003049373626708984375), 0.0);
    fails += report("adam step 2: p = 0.98746980729391", fabs(p - 0.98746980729391),
                    2 * 0x1p-25 + 2e-9);
    return fails;
}

int main(void) {
    uint64_t s = 31337;
    int fails = 0;
    fails += check_conv_adjoint(0, 1, 3, 6, 10, 5, &s);
    fails += check_conv_adjoint(0, 3, 5, 10, 6, 3, &s);
    fails += check_conv_adjoint(1, 1, 3, 3, 5, 5, &s);
    fails += check_conv_adjoint(1, 3, 5, 5, 3, 3, &s);
    fails += check_linear_adjoint(3, 17, 5, &s);
    fails += check_transpose_pairs(3, 5, 10, 6, 3, &s);
    fails += check_transpose_pairs(2, 3, 64, 64, 32, &s);
    fails += check_hand_conv();
    fails += check_hand_linear_bias();
    fails += check_hand_activations();
    fails += check_hand_latent_loss();
    fails += check_adam_one_step();
    fails += check_adam_eps();
    fails += check_adam_rounding(&s);
    fails += check_adam_two_steps();
    if (fails) printf("%d identity checks FAILED\n", fails);
    else printf("all identity checks passed\n");
    return fails ? 1 : 0;
}
