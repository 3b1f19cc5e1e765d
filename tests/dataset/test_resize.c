/* The crop and the area-averaging resize: crop geometry, hand-computed
 * outputs on known patterns, and random images against an independent
 * double-precision integration of the same area mean. */
#include <math.h>

#include "data/resize.h"
#include "dataset_check.h"
#include "vaevk/dataset.h"
#include "vaevk/rng.h"

static void test_crop_geometry(void) {
    struct { int w, h, crop, side, x0, y0; } cases[] = {
        {178, 218, VAE_CROP_AUTO, 148, 15, 35},  /* CelebA's face crop */
        {178, 218, VAE_CROP_SQUARE, 178, 0, 20}, /* the largest square instead */
        {218, 178, VAE_CROP_AUTO, 178, 20, 0},   /* not CelebA's shape: largest square */
        {37, 23, VAE_CROP_AUTO, 23, 7, 0},       /* odd margins round down */
        {100, 100, 40, 40, 30, 30},
        {30, 20, 50, 20, 5, 0},                  /* a crop larger than the image is clamped */
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int side, x0, y0;
        crop_square(cases[i].w, cases[i].h, cases[i].crop, &side, &x0, &y0);
        if (side != cases[i].side || x0 != cases[i].x0 || y0 != cases[i].y0) {
            printf("  %dx%d crop %d: side %d at (%d,%d), want %d at (%d,%d)\n", cases[i].w,
                   cases[i].h, cases[i].crop, side, x0, y0, cases[i].side, cases[i].x0, cases[i].y0);
            bad++;
        }
    }
    CHECK(bad == 0, "crop geometry: %d of %zu cases wrong", bad, sizeof cases / sizeof cases[0]);
}

/* A 178x218 image: 255 outside the 148x148 crop at (15,35); inside it,
 * crop columns < 75 are 0 and the others 64. In units of 1/64 crop pixel,
 * output column 32 covers [32*148, 33*148) = [4736, 4884): 64 units of
 * crop column 74 (0), 64 of column 75 (64) and 20 of column 76 (64), so
 * its mean is 84*64/148 = 36.32 -> 36. Columns 0..31 end at 4736 = 74*64,
 * inside the zeros: 0; columns 33.. start at 4884 > 75*64: 64. Any error in
 * the crop's offset brings 255 into the edge pixels. */
static void test_celeba_hand(void) {
    const int W = 178, H = 218;
    uint8_t *img = test_alloc((size_t)W * H * 3), out[64 * 64 * 3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int inside = x >= 15 && x < 163 && y >= 35 && y < 183;
            uint8_t v = !inside ? 255 : x - 15 < 75 ? 0 : 64;
            memset(img + ((size_t)y * W + x) * 3, v, 3);
        }
    int side, x0, y0, bad = 0;
    crop_square(W, H, VAE_CROP_AUTO, &side, &x0, &y0);
    area_resize(out, 64, img, W, x0, y0, side);
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++)
            for (int c = 0; c < 3; c++) {
                int want = j < 32 ? 0 : j == 32 ? 36 : 64;
                bad += out[(i * 64 + j) * 3 + c] != want;
            }
    CHECK(bad == 0, "CelebA crop + resize of a split pattern: %d of 12288 values differ from the "
          "hand computation (0 | 36 | 64, no 255 from outside the crop); column 32 = %d",
          bad, out[32 * 3]);
    free(img);
}

/* Exact cases: 64 -> 64 is the identity; 128 -> 64 averages 2x2 blocks
 * with halves rounding up: {10,11,11,11} -> 10.75 -> 11, {0,0,0,1} -> 0.25
 * -> 0, {0,1,0,1} -> 0.5 -> 1. */
static void test_exact_cases(void) {
    uint8_t src[128 * 128 * 3], out[64 * 64 * 3];
    for (int i = 0; i < 64 * 64 * 3; i++)
        src[i] = (uint8_t)(i * 7 + i / 191);
    area_resize(out, 64, src, 64, 0, 0, 64);
    CHECK(memcmp(out, src, sizeof out) == 0, "64x64 -> 64x64 is the identity");
    int patterns[3][4] = {{10, 11, 11, 11}, {0, 0, 0, 1}, {0, 1, 0, 1}}, want[3] = {11, 0, 1};
    for (int y = 0; y < 128; y++)
        for (int x = 0; x < 128; x++)
            for (int c = 0; c < 3; c++)
                src[(y * 128 + x) * 3 + c] = (uint8_t)patterns[c][(y % 2) * 2 + x % 2];
    area_resize(out, 64, src, 128, 0, 0, 128);
    int bad = 0;
    for (int p = 0; p < 64 * 64; p++)
        for (int c = 0; c < 3; c++)
            bad += out[p * 3 + c] != want[c];
    CHECK(bad == 0, "128 -> 64 averages 2x2 blocks, halves up (11, 0, 1): %d wrong; got %d %d %d",
          bad, out[0], out[1], out[2]);
}

/* The same area mean integrated in doubles from each output pixel's box in
 * source coordinates. */
static double reference(const uint8_t *src, int w, int x0, int y0, int side, int i, int j, int c) {
    const double scale = side / 64.0;
    double a0 = i * scale, a1 = (i + 1) * scale, b0 = j * scale, b1 = (j + 1) * scale, sum = 0;
    for (int t = (int)floor(a0); t < (int)ceil(a1); t++) {
        double wy = fmin(a1, t + 1.0) - fmax(a0, (double)t);
        for (int s = (int)floor(b0); s < (int)ceil(b1); s++) {
            double wx = fmin(b1, s + 1.0) - fmax(b0, (double)s);
            sum += wy * wx * src[((size_t)(y0 + t) * w + x0 + s) * 3 + c];
        }
    }
    return sum / (scale * scale);
}

static void test_random_against_reference(void) {
    const int sides[] = {148, 100, 65, 63, 23, 7, 1, 250};
    for (size_t k = 0; k < sizeof sides / sizeof sides[0]; k++) {
        int side = sides[k], w = side + 9, h = side + 4, x0 = 5, y0 = 3;
        uint8_t *src = test_alloc((size_t)w * h * 3), out[64 * 64 * 3];
        for (int p = 0; p < w * h * 3; p++)
            src[p] = (uint8_t)(vae_rng_u32(7, VAE_STREAM_TEST, (uint32_t)k, (uint32_t)p) >> 24);
        area_resize(out, 64, src, w, x0, y0, side);
        int bad = 0, ties = 0;
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                for (int c = 0; c < 3; c++) {
                    double r = reference(src, w, x0, y0, side, i, j, c);
                    int got = out[(i * 64 + j) * 3 + c], want = (int)floor(r + 0.5);
                    /* The integer code is exact; the double sum carries ~1e-12
                     * of rounding, which can only matter for a mean that is
                     * exactly k + 1/2: there either neighbour is accepted. */
                    int tie = fabs(r - floor(r) - 0.5) < 1e-9;
                    ties += tie;
                    bad += tie ? abs(got - want) > 1 : got != want;
                }
        CHECK(bad == 0, "%3dx%-3d square -> 64x64 against the double-precision area mean: %d of "
              "12288 differ (%d exact halves)", side, side, bad, ties);
        free(src);
    }
}

int main(void) {
    test_crop_geometry();
    test_celeba_hand();
    test_exact_cases();
    test_random_against_reference();
    return failures ? 1 : 0;
}
