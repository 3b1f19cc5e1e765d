/* A sanity pass of the float ops at the model's own shapes (64x64x3 input,
 * widths 32-64-128-256, latent 128, batch 2): every conv, transposed conv
 * and linear layer must satisfy its adjoint identities
 *     <f(x; w), y> == <x, df_x(y; w)> == <w, df_w(y; x)>
 * with float outputs, and produce finite values. Catches indexing that only
 * goes wrong at full size. Nothing is timed.
 *
 * Bound, for <f(x),y> against <x,df_x(y)> (likewise for w): each float
 * output is the rounding of a double sum, so it is within 2^-24 of that sum,
 * relative; the sum is within m·2^-53 <= 2^-36 (m < 2^17 terms) of the exact
 * value relative to Σ|x||w| for it; the double dot products of <= 2^18 terms
 * add under 2^-35 relative to Σ|terms|. So the sides differ by at most
 *     (2^-24 + 2^-34)·(Σ|f(x)||y| + Σ|x||df_x(y)|) + 2^-34·T,
 * T = Σ|x||w||y| = <f(|x|; |w|), |y|>: rigorous, and only as loose as the
 * worst case is against random rounding. */
#include "vaevk/ops.h"
#include "cpu_check.h"

#include <math.h>

typedef void (*conv_fn)(float *, const float *, const float *, int, int, int, int, int);

static double dot_f(const float *a, const float *b, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * (double)b[i];
    return s;
}

static int all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

static void fill_f(float *x, size_t n, uint64_t *s) {
    for (size_t i = 0; i < n; i++) x[i] = (float)test_uniform(s, -1, 1);
}

static void abs_f(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = fabsf(x[i]);
}

/* One layer's three ops behind the conv signature, and its sizes. */
struct layer {
    const char *name;
    conv_fn fwd, bin, bw;  // forward, backward-input, backward-weight
    int B, Cin, H, W, Cout;
    size_t nx, nw, ny;  // input, weight, output element counts
};

static int check_layer(struct layer L, uint64_t *s) {
    float *x = ALLOC_F(L.nx), *w = ALLOC_F(L.nw), *y = ALLOC_F(L.ny), *fx = ALLOC_F(L.ny);
    float *dx = ALLOC_F(L.nx), *dw = ALLOC_F(L.nw);
    fill_f(x, L.nx, s);
    fill_f(w, L.nw, s);
    fill_f(y, L.ny, s);
    L.fwd(fx, x, w, L.B, L.Cin, L.H, L.W, L.Cout);
    L.bin(dx, y, w, L.B, L.Cin, L.H, L.W, L.Cout);
    L.bw(dw, y, x, L.B, L.Cin, L.H, L.W, L.Cout);
    int finite = all_finite(fx, L.ny) && all_finite(dx, L.nx) && all_finite(dw, L.nw);
    double lhs = dot_f(fx, y, L.ny), rx = dot_f(x, dx, L.nx), rw = dot_f(w, dw, L.nw);
    abs_f(x, L.nx);
    abs_f(w, L.nw);
    abs_f(y, L.ny);
    abs_f(fx, L.ny);
    abs_f(dx, L.nx);
    abs_f(dw, L.nw);
    double A = dot_f(fx, y, L.ny), Cx = dot_f(x, dx, L.nx), Cw = dot_f(w, dw, L.nw);
    L.fwd(fx, x, w, L.B, L.Cin, L.H, L.W, L.Cout);
    double T = dot_f(fx, y, L.ny);
    const double rel = 0x1p-24 + 0x1p-34;
    char what[120];
    int fails = 0;
    snprintf(what, sizeof what, "%s B=%d %d->%d %dx%d: <f(x),y> = <x,df_x(y)>%s", L.name, L.B,
             L.Cin, L.Cout, L.H, L.W, finite ? "" : " NOT FINITE");
    fails += report(what, finite ? fabs(lhs - rx) : INFINITY, rel * (A + Cx) + 0x1p-34 * T);
    snprintf(what, sizeof what, "%s B=%d %d->%d %dx%d: <f(x),y> = <w,df_w(y)>", L.name, L.B,
             L.Cin, L.Cout, L.H, L.W);
    fails += report(what, fabs(lhs - rw), rel * (A + Cw) + 0x1p-34 * T);
    free(x); free(w); free(y); free(fx); free(dx); free(dw);
    return fails;
}

/* Linear ops behind the conv signature: H and W are 1 and unused. */
static void lin_fwd(float *out, const float *in, const float *w, int B, int I, int H, int W,
                    int O) {
    (void)H; (void)W;
    linear_forward(out, in, w, B, I, O);
}
static void lin_bin(float *din, const float *dout, const float *w, int B, int I, int H, int W,
                    int O) {
    (void)H; (void)W;
    linear_backward_input(din, dout, w, B, I, O, 0);
}
static void lin_bw(float *dw, const float *dout, const float *in, int B, int I, int H, int W,
                   int O) {
    (void)H; (void)W;
    linear_backward_weight(dw, dout, in, B, I, O);
}

static struct layer conv_layer(int B, int Cin, int S, int Cout) {
    size_t nx = (size_t)B * Cin * S * S;
    return (struct layer){"conv2d", conv2d_forward, conv2d_backward_input,
                          conv2d_backward_weight, B, Cin, S, S, Cout,
                          nx, (size_t)Cout * Cin * 16, nx / Cin * Cout / 4};
}

static struct layer convt_layer(int B, int Cin, int S, int Cout) {
    size_t nx = (size_t)B * Cin * S * S;
    return (struct layer){"conv_transpose2d", conv_transpose2d_forward,
                          conv_transpose2d_backward_input, conv_transpose2d_backward_weight,
                          B, Cin, S, S, Cout, nx, (size_t)Cin * Cout * 16, nx / Cin * Cout * 4};
}

static struct layer linear_layer(int B, int I, int O) {
    return (struct layer){"linear", lin_fwd, lin_bin, lin_bw, B, I, 1, 1, O,
                          (size_t)B * I, (size_t)O * I, (size_t)B * O};
}

int main(void) {
    uint64_t s = 4242;
    const int B = 2, ch[5] = {3, 32, 64, 128, 256}, latent = 128, flat = 256 * 4 * 4;
    int fails = 0;
    for (int l = 0; l < 4; l++)  // encoder.l: input side 64 >> l
        fails += check_layer(conv_layer(B, ch[l], 64 >> l, ch[l + 1]), &s);
    fails += check_layer(linear_layer(B, flat, latent), &s);  // fc_mu, fc_log_var
    fails += check_layer(linear_layer(B, latent, flat), &s);  // decoder_input
    for (int l = 4; l > 0; l--)  // decoder.(4-l): input side 4 << (4-l)
        fails += check_layer(convt_layer(B, ch[l], 4 << (4 - l), ch[l - 1]), &s);
    if (fails) printf("%d model-size checks FAILED\n", fails);
    else printf("all model-size checks passed\n");
    return fails ? 1 : 0;
}
