/* Every backward op of the CPU reference against central finite differences
 * of its forward, in double (the _f64 twins, compiled from the same source as
 * the float ops). Each objective is a random scalar L = Σ r ⊙ out, so every
 * output element carries weight; the KL and MSE backward ops are gradients
 * of fixed objectives (beta·mean kl, mean sse) and are checked against those.
 * Sizes are small, odd where allowed, and H != W somewhere, so a swapped
 * index or a missed border tap shows up. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"
#include "cpu_check.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* torch.autograd.gradcheck's bar: step 1e-6, pass iff |a - n| <= 1e-5 +
 * 1e-3·|n| for every element. In double, central differences of these
 * objectives err by O(h²·L''') (zero for the linear ops) plus about
 * 2^-53·|L|/h ≈ 1e-9, far inside the bar; a wrong index, sign or factor
 * misses it by orders of magnitude. */
#define FD_STEP 1e-6
#define FD_ATOL 1e-5
#define FD_RTOL 1e-3

typedef double (*objective_fn)(void *ctx);

/* Reports the worst |a - n| / (atol + rtol·|n|) over all elements of param;
 * it must be <= 1. The label is printf-formatted from fmt. */
__attribute__((format(printf, 6, 7)))
static int gradcheck(objective_fn f, void *ctx, double *param, const double *analytic, size_t n,
                     const char *fmt, ...) {
    double worst = 0.0, worst_abs = 0.0;
    for (size_t i = 0; i < n; i++) {
        double saved = param[i];
        param[i] = saved + FD_STEP;
        double lp = f(ctx);
        param[i] = saved - FD_STEP;
        double lm = f(ctx);
        param[i] = saved;
        double num = (lp - lm) / (2 * FD_STEP);
        double err = fabs(analytic[i] - num);
        double ratio = err / (FD_ATOL + FD_RTOL * fabs(num));
        if (isnan(ratio) || ratio > worst) worst = ratio;
        if (err > worst_abs) worst_abs = err;
    }
    char what[120], line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s |a-n|<=%.0e", what, worst_abs);
    return report(line, worst, 1.0);
}

/* ---- conv2d and conv_transpose2d ---- */

typedef void (*conv_fn)(double *, const double *, const double *, int, int, int, int, int);

struct conv_ctx {
    conv_fn fwd;
    double *x, *w, *r, *out;  // (B,Cin,H,W), weights, two of output shape
    size_t n_out;
    int B, Cin, H, W, Cout;
};

static double conv_objective(void *p) {
    struct conv_ctx *c = p;
    c->fwd(c->out, c->x, c->w, c->B, c->Cin, c->H, c->W, c->Cout);
    return dot_f64(c->r, c->out, c->n_out);
}

static int check_conv(int transpose, int B, int Cin, int H, int W, int Cout, uint64_t *s) {
    size_t nx = (size_t)B * Cin * H * W, nw = (size_t)Cin * Cout * 16;
    size_t n_out = transpose ? (size_t)B * Cout * 4 * H * W : (size_t)B * Cout * (H / 2) * (W / 2);
    struct conv_ctx c = {transpose ? conv_transpose2d_forward_f64 : conv2d_forward_f64,
                         ALLOC_D(nx), ALLOC_D(nw), ALLOC_D(n_out), ALLOC_D(n_out), n_out,
                         B, Cin, H, W, Cout};
    double *dx = ALLOC_D(nx), *dw = ALLOC_D(nw);
    fill_f64(c.x, nx, s, -1, 1);
    fill_f64(c.w, nw, s, -1, 1);
    fill_f64(c.r, n_out, s, -1, 1);
    if (transpose) {
        conv_transpose2d_backward_input_f64(dx, c.r, c.w, B, Cin, H, W, Cout);
        conv_transpose2d_backward_weight_f64(dw, c.r, c.x, B, Cin, H, W, Cout);
    } else {
        conv2d_backward_input_f64(dx, c.r, c.w, B, Cin, H, W, Cout);
        conv2d_backward_weight_f64(dw, c.r, c.x, B, Cin, H, W, Cout);
    }
    const char *name = transpose ? "conv_transpose2d" : "conv2d";
    int fails = 0;
    fails += gradcheck(conv_objective, &c, c.x, dx, nx,
                       "%s dx B=%d Cin=%d %dx%d Cout=%d", name, B, Cin, H, W, Cout);
    fails += gradcheck(conv_objective, &c, c.w, dw, nw,
                       "%s dw B=%d Cin=%d %dx%d Cout=%d", name, B, Cin, H, W, Cout);
    free(c.x); free(c.w); free(c.r); free(c.out); free(dx); free(dw);
    return fails;
}

/* ---- linear ---- */

struct linear_ctx {
    double *x, *w, *r, *out;  // (B,I), (O,I), (B,O), (B,O)
    int B, I, O;
};

static double linear_objective(void *p) {
    struct linear_ctx *c = p;
    linear_forward_f64(c->out, c->x, c->w, c->B, c->I, c->O);
    return dot_f64(c->r, c->out, (size_t)c->B * c->O);
}

static int check_linear(int B, int I, int O, uint64_t *s) {
    size_t nx = (size_t)B * I, nw = (size_t)O * I, no = (size_t)B * O;
    struct linear_ctx c = {ALLOC_D(nx), ALLOC_D(nw), ALLOC_D(no), ALLOC_D(no), B, I, O};
    double *dx = ALLOC_D(nx), *dacc = ALLOC_D(nx), *d0 = ALLOC_D(nx), *dw = ALLOC_D(nw);
    fill_f64(c.x, nx, s, -1, 1);
    fill_f64(c.w, nw, s, -1, 1);
    fill_f64(c.r, no, s, -1, 1);
    fill_f64(d0, nx, s, -1, 1);
    linear_backward_input_f64(dx, c.r, c.w, B, I, O, 0);
    memcpy(dacc, d0, nx * sizeof *dacc);
    linear_backward_input_f64(dacc, c.r, c.w, B, I, O, 1);
    for (size_t i = 0; i < nx; i++) dacc[i] -= d0[i];  // what accumulate added
    linear_backward_weight_f64(dw, c.r, c.x, B, I, O);
    int fails = 0;
    fails += gradcheck(linear_objective, &c, c.x, dx, nx, "linear dx B=%d I=%d O=%d", B, I, O);
    fails += gradcheck(linear_objective, &c, c.x, dacc, nx,
                       "linear dx accumulate B=%d I=%d O=%d", B, I, O);
    fails += gradcheck(linear_objective, &c, c.w, dw, nw, "linear dw B=%d I=%d O=%d", B, I, O);
    free(c.x); free(c.w); free(c.r); free(c.out); free(dx); free(dacc); free(d0); free(dw);
    return fails;
}

/* ---- bias ---- */

struct bias_ctx {
    double *x, *b, *r, *out;  // (B,C,N), (C), (B,C,N), (B,C,N)
    int B, C, N;
};

static double bias_objective(void *p) {
    struct bias_ctx *c = p;
    size_t n = (size_t)c->B * c->C * c->N;
    memcpy(c->out, c->x, n * sizeof *c->out);
    bias_forward_f64(c->out, c->b, c->B, c->C, c->N);
    return dot_f64(c->r, c->out, n);
}

static int check_bias(int B, int C, int N, uint64_t *s) {
    size_t n = (size_t)B * C * N;
    struct bias_ctx c = {ALLOC_D(n), ALLOC_D(C), ALLOC_D(n), ALLOC_D(n), B, C, N};
    double *db = ALLOC_D(C);
    fill_f64(c.x, n, s, -1, 1);
    fill_f64(c.b, C, s, -1, 1);
    fill_f64(c.r, n, s, -1, 1);
    bias_backward_f64(db, c.r, B, C, N);
    int fails = gradcheck(bias_objective, &c, c.b, db, C, "bias db B=%d C=%d N=%d", B, C, N);
    free(c.x); free(c.b); free(c.r); free(c.out); free(db);
    return fails;
}

/* ---- activations ---- */

enum act { ACT_LEAKY, ACT_RELU, ACT_TANH };
#define LEAKY_SLOPE 0.2

struct act_ctx {
    enum act kind;
    double *in, *r, *out;  // (n) each
    int n;
};

static double act_objective(void *p) {
    struct act_ctx *c = p;
    switch (c->kind) {
    case ACT_LEAKY: leaky_relu_forward_f64(c->out, c->in, c->n, LEAKY_SLOPE); break;
    case ACT_RELU: relu_forward_f64(c->out, c->in, c->n); break;
    case ACT_TANH: tanh_forward_f64(c->out, c->in, c->n); break;
    }
    return dot_f64(c->r, c->out, (size_t)c->n);
}

static int check_act(enum act kind, const char *name, int n, uint64_t *s) {
    struct act_ctx c = {kind, ALLOC_D(n), ALLOC_D(n), ALLOC_D(n), n};
    double *din = ALLOC_D(n);
    fill_f64(c.in, n, s, -2, 2);
    fill_f64(c.r, n, s, -1, 1);
    /* Keep every input at least 1e-3 from the kink at 0, so x ± step never
     * straddles it and the finite difference is a true derivative. */
    for (int i = 0; i < n; i++)
        if (fabs(c.in[i]) < 1e-3) c.in[i] += c.in[i] < 0 ? -1e-3 : 1e-3;
    switch (kind) {
    case ACT_LEAKY: leaky_relu_backward_f64(din, c.r, c.in, n, LEAKY_SLOPE); break;
    case ACT_RELU: relu_backward_f64(din, c.r, c.in, n); break;
    case ACT_TANH:
        tanh_forward_f64(c.out, c.in, n);
        tanh_backward_f64(din, c.r, c.out, n);
        break;
    }
    int fails = gradcheck(act_objective, &c, c.in, din, n, "%s din n=%d", name, n);
    free(c.in); free(c.r); free(c.out); free(din);
    return fails;
}

/* ---- reparameterize ---- */

struct reparam_ctx {
    double *mu, *log_var, *eps, *r, *z;  // (n) each
    int n;
};

static double reparam_objective(void *p) {
    struct reparam_ctx *c = p;
    reparameterize_forward_f64(c->z, c->mu, c->log_var, c->eps, c->n);
    return dot_f64(c->r, c->z, (size_t)c->n);
}

static int check_reparam(int n, uint64_t *s) {
    struct reparam_ctx c = {ALLOC_D(n), ALLOC_D(n), ALLOC_D(n), ALLOC_D(n), ALLOC_D(n), n};
    double *dmu = ALLOC_D(n), *dlv = ALLOC_D(n);
    fill_f64(c.mu, n, s, -2, 2);
    fill_f64(c.log_var, n, s, -3, 2);
    fill_f64(c.eps, n, s, -2, 2);
    fill_f64(c.r, n, s, -1, 1);
    reparameterize_backward_f64(dmu, dlv, c.r, c.log_var, c.eps, n);
    int fails = 0;
    fails += gradcheck(reparam_objective, &c, c.mu, dmu, n, "reparameterize dmu n=%d", n);
    fails += gradcheck(reparam_objective, &c, c.log_var, dlv, n, "reparameterize dlog_var n=%d", n);
    free(c.mu); free(c.log_var); free(c.eps); free(c.r); free(c.z); free(dmu); free(dlv);
    return fails;
}

/* ---- KL: L = beta · mean_B kl ---- */

struct kl_ctx {
    double *mu, *log_var, *kl;  // (B,L), (B,L), (B)
    int B, L;
    double beta;
};

static double kl_objective(void *p) {
    struct kl_ctx *c = p;
    kl_forward_f64(c->kl, c->mu, c->log_var, c->B, c->L);
    double sum = 0.0;
    for (int b = 0; b < c->B; b++) sum += c->kl[b];
    return c->beta * sum / c->B;
}

static int check_kl(int B, int L, double beta, uint64_t *s) {
    size_t n = (size_t)B * L;
    struct kl_ctx c = {ALLOC_D(n), ALLOC_D(n), ALLOC_D(B), B, L, beta};
    double *dmu = ALLOC_D(n), *dlv = ALLOC_D(n), *mu0 = ALLOC_D(n), *lv0 = ALLOC_D(n);
    fill_f64(c.mu, n, s, -2, 2);
    fill_f64(c.log_var, n, s, -3, 2);
    fill_f64(mu0, n, s, -1, 1);
    fill_f64(lv0, n, s, -1, 1);
    memcpy(dmu, mu0, n * sizeof *dmu);
    memcpy(dlv, lv0, n * sizeof *dlv);
    kl_backward_accumulate_f64(dmu, dlv, c.mu, c.log_var, B, L, beta);
    for (size_t i = 0; i < n; i++) {  // what the accumulation added
        dmu[i] -= mu0[i];
        dlv[i] -= lv0[i];
    }
    int fails = 0;
    fails += gradcheck(kl_objective, &c, c.mu, dmu, n,
                       "kl accumulate dmu B=%d L=%d beta=%g", B, L, beta);
    fails += gradcheck(kl_objective, &c, c.log_var, dlv, n,
                       "kl accumulate dlog_var B=%d L=%d beta=%g", B, L, beta);
    free(c.mu); free(c.log_var); free(c.kl); free(dmu); free(dlv); free(mu0); free(lv0);
    return fails;
}

/* ---- MSE: L = mean_B sse ---- */

struct mse_ctx {
    double *xhat, *x, *sse;  // (B,N), (B,N), (B)
    int B, N;
};

static double mse_objective(void *p) {
    struct mse_ctx *c = p;
    mse_forward_f64(c->sse, c->xhat, c->x, c->B, c->N);
    double sum = 0.0;
    for (int b = 0; b < c->B; b++) sum += c->sse[b];
    return sum / c->B;
}

static int check_mse(int B, int N, uint64_t *s) {
    size_t n = (size_t)B * N;
    struct mse_ctx c = {ALLOC_D(n), ALLOC_D(n), ALLOC_D(B), B, N};
    double *dxhat = ALLOC_D(n);
    fill_f64(c.xhat, n, s, -1, 1);
    fill_f64(c.x, n, s, -1, 1);
    mse_backward_f64(dxhat, c.xhat, c.x, B, N);
    int fails = gradcheck(mse_objective, &c, c.xhat, dxhat, n, "mse dxhat B=%d N=%d", B, N);
    free(c.xhat); free(c.x); free(c.sse); free(dxhat);
    return fails;
}

int main(void) {
    uint64_t s = 20240611;
    int fails = 0;
    printf("gradient checks in double: worst |a-n|/(1e-5+1e-3|n|), must be <= 1\n");
    fails += check_conv(0, 1, 3, 6, 6, 5, &s);
    fails += check_conv(0, 3, 5, 10, 10, 3, &s);
    fails += check_conv(0, 3, 3, 6, 10, 5, &s);
    fails += check_conv(1, 1, 3, 3, 3, 5, &s);
    fails += check_conv(1, 3, 5, 5, 5, 3, &s);
    fails += check_conv(1, 3, 3, 3, 5, 5, &s);
    fails += check_linear(1, 7, 5, &s);
    fails += check_linear(3, 10, 3, &s);
    fails += check_bias(1, 5, 9, &s);
    fails += check_bias(3, 3, 1, &s);
    fails += check_act(ACT_LEAKY, "leaky_relu(0.2)", 45, &s);
    fails += check_act(ACT_RELU, "relu", 45, &s);
    fails += check_act(ACT_TANH, "tanh", 45, &s);
    fails += check_reparam(15, &s);
    fails += check_kl(1, 7, 1.0, &s);
    fails += check_kl(3, 5, 0.7, &s);
    fails += check_mse(1, 6, &s);
    fails += check_mse(3, 10, &s);
    if (fails) printf("%d gradient checks FAILED\n", fails);
    else printf("all gradient checks passed\n");
    return fails ? 1 : 0;
}
