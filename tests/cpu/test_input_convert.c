/* input_convert: uint8 NHWC pixels to [-1, 1] NCHW floats, with flips, and
 * input_gather, the same on images picked by index. The
 * formula x = (float)u·(1.0f/127.5f) - 1.0f is a contract the GPU shader
 * must reproduce bit for bit, so it is checked bit for bit here. */
#include "vaevk/ops.h"
#include "cpu_check.h"

#include <math.h>
#include <string.h>

static float contract(uint8_t u) {
    return (float)u * (1.0f / 127.5f) - 1.0f;
}

/* Every element against the contract (bound 0) and against the real value
 * u/127.5 - 1. For the latter: the float 1/127.5 is off by under 2^-24
 * relative, i.e. under 2^-23 on u/127.5 <= 2; rounding u·c adds at most
 * 2^-24 and the subtraction at most 2^-25 (only results below -0.5 round),
 * so under 2^-22 in all. */
static int check_values(const float *x, const uint8_t *px, const uint8_t *flip, int B, int S) {
    double worst_bits = 0.0, worst_real = 0.0;
    for (int b = 0; b < B; b++)
    for (int c = 0; c < 3; c++)
    for (int y = 0; y < S; y++)
    for (int col = 0; col < S; col++) {
        int src = flip && flip[b] ? S - 1 - col : col;
        uint8_t u = px[(((size_t)b * S + y) * S + src) * 3 + c];
        float got = x[(((size_t)b * 3 + c) * S + y) * S + col];
        double d_bits = fabs((double)got - (double)contract(u));
        double d_real = fabs((double)got - (u / 127.5 - 1.0));
        if (isnan(d_bits) || d_bits > worst_bits) worst_bits = d_bits;
        if (isnan(d_real) || d_real > worst_real) worst_real = d_real;
    }
    char what[120];
    int fails = 0;
    snprintf(what, sizeof what, "B=%d S=%d%s: x == u*(1.0f/127.5f) - 1.0f, bitwise", B, S,
             flip ? " flipped" : "");
    fails += report(what, worst_bits, 0.0);
    snprintf(what, sizeof what, "B=%d S=%d%s: |x - (u/127.5 - 1)|", B, S, flip ? " flipped" : "");
    fails += report(what, worst_real, 0x1p-22);
    return fails;
}

/* Two copies of one image, the second flipped: columns must mirror exactly,
 * and flip = NULL must equal no flips. */
static int check_flip(int S) {
    size_t img = (size_t)S * S * 3;
    uint8_t *px = test_alloc(2 * img);
    float *x = ALLOC_F(2 * img), *x0 = ALLOC_F(2 * img), *xn = ALLOC_F(2 * img);
    for (size_t i = 0; i < img; i++) px[i] = px[img + i] = (uint8_t)(i * 37 + i / 5);
    int fails = 0;
    const uint8_t flip[2] = {0, 1}, none[2] = {0, 0};
    input_convert(x, px, flip, 2, S);
    double worst = 0.0;
    for (int c = 0; c < 3; c++)
    for (int y = 0; y < S; y++)
    for (int col = 0; col < S; col++) {
        float a = x[((size_t)c * S + y) * S + col];
        float b = x[img + ((size_t)c * S + y) * S + (S - 1 - col)];
        double d = fabs((double)a - (double)b);
        if (isnan(d) || d > worst) worst = d;
    }
    char what[120];
    snprintf(what, sizeof what, "S=%d: flipped image mirrors column c to S-1-c", S);
    fails += report(what, worst, 0.0);
    fails += check_values(x, px, flip, 2, S);
    input_convert(x0, px, none, 2, S);
    input_convert(xn, px, NULL, 2, S);
    snprintf(what, sizeof what, "S=%d: flip=NULL equals no flips (differing bytes)", S);
    fails += report(what, memcmp(x0, xn, 2 * img * sizeof *x) != 0, 0.0);
    free(px); free(x); free(x0); free(xn);
    return fails;
}

/* input_gather against input_convert on the batch the indices name: the
 * same bits, flips included; gathered in two chunks (two ops, each writing
 * only the rows whose image it holds) the same again, and a row whose
 * index no chunk holds left as it was. */
static int check_gather(int S) {
    enum { N = 7, B = 5 };
    const size_t img = (size_t)S * S * 3;
    const uint32_t indices[B] = {6, 0, 3, 3, 1};
    const uint8_t flip[B] = {1, 0, 0, 1, 1};
    uint8_t *data = test_alloc(N * img), *batch = test_alloc(B * img);
    float *want = ALLOC_F(B * img), *got = ALLOC_F(B * img);
    for (size_t i = 0; i < N * img; i++) data[i] = (uint8_t)(i * 131 + i / 7);
    for (int b = 0; b < B; b++) memcpy(batch + b * img, data + indices[b] * img, img);
    input_convert(want, batch, flip, B, S);
    char what[120];
    int fails = 0;
    memset(got, 0, B * img * sizeof *got);
    input_gather(got, data, indices, flip, B, S, N, 0);
    snprintf(what, sizeof what, "S=%d: gather equals convert of the gathered batch (differing bytes)", S);
    fails += report(what, memcmp(got, want, B * img * sizeof *got) != 0, 0.0);
    /* chunks [0, 4) and [4, 7) */
    memset(got, 0, B * img * sizeof *got);
    input_gather(got, data, indices, flip, B, S, 4, 0);
    input_gather(got, data + 4 * img, indices, flip, B, S, N - 4, 4);
    snprintf(what, sizeof what, "S=%d: gathered from two chunks, the same (differing bytes)", S);
    fails += report(what, memcmp(got, want, B * img * sizeof *got) != 0, 0.0);
    /* only the chunk [4, 7): row 0 (image 6) written, the others untouched */
    for (size_t i = 0; i < B * img; i++) got[i] = 42.0f;
    input_gather(got, data + 4 * img, indices, flip, B, S, N - 4, 4);
    int untouched = 1;
    for (size_t i = img; i < B * img; i++) untouched &= got[i] == 42.0f;
    snprintf(what, sizeof what, "S=%d: rows outside the chunk untouched, the one inside written (0 = yes)", S);
    fails += report(what, !untouched || memcmp(got, want, img * sizeof *got) != 0, 0.0);
    free(data); free(batch); free(want); free(got);
    return fails;
}

int main(void) {
    /* One 16x16 image whose three channels each hold all 256 values. */
    enum { S = 16 };
    uint8_t px[S * S * 3];
    float x[3 * S * S];
    for (int i = 0; i < S * S; i++)
        for (int c = 0; c < 3; c++) px[i * 3 + c] = (uint8_t)(i + 85 * c);
    input_convert(x, px, NULL, 1, S);
    int fails = check_values(x, px, NULL, 1, S);
    /* Channel 0 holds value u at (y, col) = (u/16, u%16). */
    float lo = x[0], hi = x[255], m127 = x[127], m128 = x[128];
    fails += report("0 -> -1 exactly", fabs(lo + 1.0f), 0.0);
    fails += report("255 -> 1 exactly", fabs(hi - 1.0f), 0.0);
    int straddle = m127 < 0.0f && m128 > 0.0f;
    printf("     127 -> %.9g, 128 -> %.9g (real values -/+ %.9g)\n", m127, m128, 1.0 / 255);
    fails += report("127 and 128 straddle the midpoint 127.5 (0 = yes)", !straddle, 0.0);
    /* Each is within 2^-22 of -/+1/255 (see check_values), so the sum is
     * within 2^-21 of 0. */
    fails += report("127 and 128 symmetric about 0: |x127 + x128|", fabs(m127 + m128), 0x1p-21);
    fails += check_flip(5);
    fails += check_flip(64);
    fails += check_gather(5);
    fails += check_gather(64);
    if (fails) printf("%d input_convert checks FAILED\n", fails);
    else printf("all input_convert checks passed\n");
    return fails ? 1 : 0;
}
