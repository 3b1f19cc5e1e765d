/* Each float op against its double twin on the same inputs (float values,
 * widened exactly), by normalised squared error Σ(a-b)²/Σb² over all output
 * elements. The twins share the source, so this measures the float ops'
 * rounding and nothing else; a figure above its bound means a float op does
 * arithmetic its twin does not (a lost double accumulator, a float exp).
 *
 * Bounds, with u = 2^-24 the float unit roundoff: an op whose every output is
 * the one rounding to float of what the twin computes in double (sums
 * accumulated in double, exp and tanh taken in double) is off by at most
 * u·|b| per element, so its figure is at most u² ≈ 3.6e-15, rigorously. An op
 * that chains k float roundings per element gets (k·u)²: first-order, and
 * the ops with cancellation (1 - out², e^lv - 1, mu + sd·eps) only meet it
 * because Σb² weighs the cancelled, small outputs lightly; each k is stated
 * where it is used. All bounds sit at or below ~5e-13, float territory.
 * A sum accumulated in float instead of double would show about n·u²/3 for
 * its n >= 80 terms here, 1e-13 and up: far over the u² its op is held to. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"
#include "cpu_check.h"

#include <math.h>
#include <string.h>

#define U 0x1p-24

static double nmse(const float *a, const double *b, size_t n) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        num += d * d;
        den += b[i] * b[i];
    }
    return den > 0 ? num / den : num;
}

/* Reports output pair (a, b) against the k-rounding bound (k·u)². */
static int check(const char *what, const float *a, const double *b, size_t n, int k) {
    char line[120];
    snprintf(line, sizeof line, "%s (k=%d)", what, k);
    return report(line, nmse(a, b, n), (k * U) * (k * U));
}

/* Conv ops: one rounding of a double sum. */
static int check_convs(uint64_t *s) {
    const int B = 2, Cin = 5, H = 16, W = 12, Cout = 7;  // conv2d shape
    size_t nx = (size_t)B * Cin * H * W, ny = (size_t)B * Cout * (H / 2) * (W / 2);
    size_t nw = (size_t)Cout * Cin * 16;
    float *xf = ALLOC_F(nx), *yf = ALLOC_F(ny), *wf = ALLOC_F(nw);
    double *xd = ALLOC_D(nx), *yd = ALLOC_D(ny), *wd = ALLOC_D(nw);
    float *of = ALLOC_F(nx);
    double *od = ALLOC_D(nx);
    fill_pair(xf, xd, nx, s, -1, 1);
    fill_pair(yf, yd, ny, s, -1, 1);
    fill_pair(wf, wd, nw, s, -1, 1);
    int fails = 0;
    conv2d_forward(of, xf, wf, B, Cin, H, W, Cout);
    conv2d_forward_f64(od, xd, wd, B, Cin, H, W, Cout);
    fails += check("conv2d_forward", of, od, ny, 1);
    conv2d_backward_input(of, yf, wf, B, Cin, H, W, Cout);
    conv2d_backward_input_f64(od, yd, wd, B, Cin, H, W, Cout);
    fails += check("conv2d_backward_input", of, od, nx, 1);
    conv2d_backward_weight(of, yf, xf, B, Cin, H, W, Cout);
    conv2d_backward_weight_f64(od, yd, xd, B, Cin, H, W, Cout);
    fails += check("conv2d_backward_weight", of, od, nw, 1);
    /* Transposed conv with input (B,Cout,H/2,W/2), output (B,Cin,H,W), w (Cout,Cin,4,4). */
    conv_transpose2d_forward(of, yf, wf, B, Cout, H / 2, W / 2, Cin);
    conv_transpose2d_forward_f64(od, yd, wd, B, Cout, H / 2, W / 2, Cin);
    fails += check("conv_transpose2d_forward", of, od, nx, 1);
    conv_transpose2d_backward_input(of, xf, wf, B, Cout, H / 2, W / 2, Cin);
    conv_transpose2d_backward_input_f64(od, xd, wd, B, Cout, H / 2, W / 2, Cin);
    fails += check("conv_transpose2d_backward_input", of, od, ny, 1);
    conv_transpose2d_backward_weight(of, xf, yf, B, Cout, H / 2, W / 2, Cin);
    conv_transpose2d_backward_weight_f64(od, xd, yd, B, Cout, H / 2, W / 2, Cin);
    fails += check("conv_transpose2d_backward_weight", of, od, nw, 1);
    free(xf); free(yf); free(wf); free(xd); free(yd); free(wd); free(of); free(od);
    return fails;
}

/* Linear ops and bias: one rounding of a double sum (accumulate mode adds
 * the old value inside the sum). bias_forward adds two floats on a 2^-24
 * grid, exact in double, rounded once. */
static int check_linear_bias(uint64_t *s) {
    const int B = 3, I = 257, O = 33, C = 5, N = 49;
    size_t nx = (size_t)B * I, ny = (size_t)B * O, nw = (size_t)O * I, nb = (size_t)B * C * N;
    float *xf = ALLOC_F(nx), *yf = ALLOC_F(ny), *wf = ALLOC_F(nw), *of = ALLOC_F(nw);
    double *xd = ALLOC_D(nx), *yd = ALLOC_D(ny), *wd = ALLOC_D(nw), *od = ALLOC_D(nw);
    fill_pair(xf, xd, nx, s, -1, 1);
    fill_pair(yf, yd, ny, s, -1, 1);
    fill_pair(wf, wd, nw, s, -1, 1);
    int fails = 0;
    linear_forward(of, xf, wf, B, I, O);
    linear_forward_f64(od, xd, wd, B, I, O);
    fails += check("linear_forward", of, od, ny, 1);
    linear_backward_input(of, yf, wf, B, I, O, 0);
    linear_backward_input_f64(od, yd, wd, B, I, O, 0);
    fails += check("linear_backward_input", of, od, nx, 1);
    fill_pair(of, od, nx, s, -1, 1);
    linear_backward_input(of, yf, wf, B, I, O, 1);
    linear_backward_input_f64(od, yd, wd, B, I, O, 1);
    fails += check("linear_backward_input accumulate", of, od, nx, 1);
    linear_backward_weight(of, yf, xf, B, I, O);
    linear_backward_weight_f64(od, yd, xd, B, I, O);
    fails += check("linear_backward_weight", of, od, nw, 1);
    fill_pair(of, od, nb, s, -1, 1);  // nb < nw: reuse as (B,C,N)
    bias_forward(of, wf, B, C, N);
    bias_forward_f64(od, wd, B, C, N);
    fails += check("bias_forward", of, od, nb, 1);
    bias_backward(of, xf, B, C, N);  // nx >= nb: reuse x as dout
    bias_backward_f64(od, xd, B, C, N);
    fails += check("bias_backward", of, od, C, 1);
    free(xf); free(yf); free(wf); free(of); free(xd); free(yd); free(wd); free(od);
    return fails;
}

/* Activations. Forward: one rounding (slope·x is exact in double, tanh is
 * taken in double). Backward: slope·dout is one rounding; relu is exact;
 * tanh's dout·(1 - out·out) is three. */
static int check_activations(uint64_t *s) {
    const int n = 1001;
    float *xf = ALLOC_F(n), *gf = ALLOC_F(n), *of = ALLOC_F(n);
    double *xd = ALLOC_D(n), *gd = ALLOC_D(n), *od = ALLOC_D(n);
    fill_pair(xf, xd, n, s, -2, 2);
    fill_pair(gf, gd, n, s, -1, 1);
    int fails = 0;
    leaky_relu_forward(of, xf, n, 0.2f);
    leaky_relu_forward_f64(od, xd, n, (double)0.2f);
    fails += check("leaky_relu_forward", of, od, n, 1);
    leaky_relu_backward(of, gf, xf, n, 0.2f);
    leaky_relu_backward_f64(od, gd, xd, n, (double)0.2f);
    fails += check("leaky_relu_backward", of, od, n, 1);
    relu_forward(of, xf, n);
    relu_forward_f64(od, xd, n);
    fails += check("relu_forward", of, od, n, 1);
    relu_backward(of, gf, xf, n);
    relu_backward_f64(od, gd, xd, n);
    fails += check("relu_backward", of, od, n, 1);
    tanh_forward(of, xf, n);
    tanh_forward_f64(od, xd, n);
    fails += check("tanh_forward", of, od, n, 1);
    fill_pair(xf, xd, n, s, -1, 1);  // a tanh output
    tanh_backward(of, gf, xf, n);
    tanh_backward_f64(od, gd, xd, n);
    fails += check("tanh_backward", of, od, n, 3);
    free(xf); free(gf); free(of); free(xd); free(gd); free(od);
    return fails;
}

/* Reparameterisation, KL, MSE and the loss figures. */
static int check_latent_loss(uint64_t *s) {
    const int B = 3, L = 129, n = B * L;
    float *mf = ALLOC_F(n), *vf = ALLOC_F(n), *ef = ALLOC_F(n), *af = ALLOC_F(n), *bf = ALLOC_F(n);
    double *md = ALLOC_D(n), *vd = ALLOC_D(n), *ed = ALLOC_D(n), *ad = ALLOC_D(n), *bd = ALLOC_D(n);
    fill_pair(mf, md, n, s, -2, 2);
    fill_pair(vf, vd, n, s, -3, 2);
    fill_pair(ef, ed, n, s, -2, 2);
    int fails = 0;
    /* z = mu + sd·eps: sd, the product and the sum round: k = 3. */
    reparameterize_forward(af, mf, vf, ef, n);
    reparameterize_forward_f64(ad, md, vd, ed, n);
    fails += check("reparameterize_forward z", af, ad, n, 3);
    /* dlog_var = dz·eps·0.5·sd: sd and two products round (·0.5 is exact). */
    reparameterize_backward(af, bf, ef, vf, mf, n);
    reparameterize_backward_f64(ad, bd, ed, vd, md, n);
    fails += check("reparameterize_backward dmu", af, ad, n, 1);
    fails += check("reparameterize_backward dlog_var", bf, bd, n, 3);
    kl_forward(af, mf, vf, B, L);
    kl_forward_f64(ad, md, vd, B, L);
    fails += check("kl_forward", af, ad, B, 1);
    /* dmu += beta·mu/B: product, quotient, sum (k = 3); dlog_var adds e^lv
     * and its -1 on top: exp, -1, beta·0.5, ·, /B, + (k = 6). */
    fill_pair(af, ad, n, s, -1, 1);
    fill_pair(bf, bd, n, s, -1, 1);
    kl_backward_accumulate(af, bf, mf, vf, B, L, 0.7f);
    kl_backward_accumulate_f64(ad, bd, md, vd, B, L, (double)0.7f);
    fails += check("kl_backward_accumulate dmu", af, ad, n, 3);
    fails += check("kl_backward_accumulate dlog_var", bf, bd, n, 6);
    mse_forward(af, mf, ef, B, L);
    mse_forward_f64(ad, md, ed, B, L);
    fails += check("mse_forward", af, ad, B, 1);
    /* 2·(xhat - x)/B: the difference and the quotient round. */
    mse_backward(af, mf, ef, B, L);
    mse_backward_f64(ad, md, ed, B, L);
    fails += check("mse_backward", af, ad, n, 2);
    float lf[3];
    double ld[3];
    fill_pair(af, ad, B, s, 0, 100);
    fill_pair(bf, bd, B, s, 0, 10);
    loss_reduce(lf, af, bf, B, 0.7f);
    loss_reduce_f64(ld, ad, bd, B, (double)0.7f);
    fails += check("loss_reduce", lf, ld, 3, 1);
    free(mf); free(vf); free(ef); free(af); free(bf);
    free(md); free(vd); free(ed); free(ad); free(bd);
    return fails;
}

/* Adam over 3 steps. Per step m takes 3 roundings, v 4, the update 5 (sqrt,
 * ·, +eps, step·m, /) and p 1; m and v errors feed later steps, but
 * relative to p the update is small (lr = 1e-3), so p's figure is dominated
 * by its own per-step rounding: k = 3 for p. m and v compound their own
 * three steps: k = 3·4 = 12 for v, 9 for m. */
static int check_adam(uint64_t *s) {
    const int n = 1000, steps = 3;
    float *pf = ALLOC_F(n), *gf = ALLOC_F(n), *mf = ALLOC_F(n), *vf = ALLOC_F(n);
    double *pd = ALLOC_D(n), *gd = ALLOC_D(n), *md = ALLOC_D(n), *vd = ALLOC_D(n);
    fill_pair(pf, pd, n, s, -1, 1);
    int fails = 0;
    for (long t = 1; t <= steps; t++) {
        fill_pair(gf, gd, n, s, -1, 1);
        float ssf, ibf;
        double ssd, ibd;
        adam_step_scalars(1e-3, 0.9, 0.999, t, &ssf, &ibf);
        adam_step_scalars_f64(1e-3, 0.9, 0.999, t, &ssd, &ibd);
        if (t == steps) {
            fails += check("adam_step_scalars step_size", &ssf, &ssd, 1, 1);
            fails += check("adam_step_scalars inv_sqrt_bc2", &ibf, &ibd, 1, 1);
        }
        adam_update(pf, gf, mf, vf, n, 0.1f, 0.001f, 1e-8f, ssf, ibf, 1.0f);
        adam_update_f64(pd, gd, md, vd, n, (double)0.1f, (double)0.001f, (double)1e-8f,
                        (double)ssf, (double)ibf, 1.0);
    }
    fails += check("adam_update p after 3 steps", pf, pd, n, 3);
    fails += check("adam_update m after 3 steps", mf, md, n, 9);
    fails += check("adam_update v after 3 steps", vf, vd, n, 12);
    free(pf); free(gf); free(mf); free(vf); free(pd); free(gd); free(md); free(vd);
    return fails;
}

/* input_convert: the float path rounds 1/127.5, u·c and the -1, an absolute
 * error up to 2^-23 on values whose mean square is about 1/3: a figure at
 * most 3·2^-46, i.e. k = 4 (16·2^-48 > 12·2^-48). */
static int check_input(void) {
    const int B = 2, S = 16, n = B * 3 * S * S;
    uint8_t *px = test_alloc((size_t)n);
    const uint8_t flip[2] = {0, 1};
    for (int i = 0; i < n; i++) px[i] = (uint8_t)(i * 7);
    float *xf = ALLOC_F(n);
    double *xd = ALLOC_D(n);
    input_convert(xf, px, flip, B, S);
    input_convert_f64(xd, px, flip, B, S);
    int fails = check("input_convert", xf, xd, n, 4);
    free(px); free(xf); free(xd);
    return fails;
}

int main(void) {
    uint64_t s = 777;
    printf("float op vs double twin: worst = sum (a-b)^2 / sum b^2, bound = (k*2^-24)^2\n");
    int fails = check_convs(&s) + check_linear_bias(&s) + check_activations(&s) +
                check_latent_loss(&s) + check_adam(&s) + check_input();
    if (fails) printf("%d precision checks FAILED\n", fails);
    else printf("all precision checks passed\n");
    return fails ? 1 : 0;
}
