/* Statistics over 2000 synthetic faces: attributes uniform over their
 * ranges and uncorrelated, pixels neither flat nor saturated, no repeats. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "data_check.h"
#include "vaevk/synthetic.h"

#define N 2000
#define SEED 2024
#define K SYNTH_NUM_ATTRIBUTES

static float attrs[N][K];

static void test_attributes(void) {
    for (uint32_t i = 0; i < N; i++) {
        synth_attributes a;
        synth_attributes_draw(&a, SEED, i);
        for (int k = 0; k < K; k++) attrs[i][k] = synth_attribute_get(&a, k);
    }
    int bad_range = 0, bad_mean = 0, bad_values = 0;
    for (int k = 0; k < K; k++) {
        double lo = 1, hi = 0, sum = 0;
        for (int i = 0; i < N; i++) {
            float v = attrs[i][k];
            if (!(v >= 0.0f && v <= 1.0f)) bad_values++;
            lo = fmin(lo, v); hi = fmax(hi, v); sum += v;
        }
        double mean = sum / N;
        if (k == K - 1) { /* glasses: a 30% coin */
            int not01 = 0;
            for (int i = 0; i < N; i++) not01 += attrs[i][k] != 0.0f && attrs[i][k] != 1.0f;
            /* Binomial(2000, 0.3): sd of the share 0.0102, so ±0.05 is ~5 sd. */
            CHECK(not01 == 0 && fabs(mean - 0.3) < 0.05,
                  "glasses: %d values not 0/1, share %.4f (need 0.30 ± 0.05)", not01, mean);
            continue;
        }
        /* Uniform on 2000 draws: P(min > 0.02) = 0.98^2000 ~ 3e-18, and the
         * mean's sd is 0.289/sqrt(2000) = 0.0065, so ±0.03 is ~4.6 sd. */
        int range_ok = lo < 0.02 && hi > 0.98, mean_ok = fabs(mean - 0.5) < 0.03;
        bad_range += !range_ok;
        bad_mean += !mean_ok;
        printf("      %-15s min %.4f max %.4f mean %.4f%s\n", synth_attribute_name(k), lo, hi, mean,
               range_ok && mean_ok ? "" : "  <-- out of bounds");
    }
    CHECK(bad_values == 0, "every attribute value in [0, 1]: %d outside", bad_values);
    CHECK(bad_range == 0, "each continuous attribute spans (< 0.02, > 0.98): %d do not", bad_range);
    CHECK(bad_mean == 0, "each continuous attribute has mean 0.5 ± 0.03: %d do not", bad_mean);
}

/* Pairwise correlation: for independent draws sd(r) ~ 1/sqrt(2000) = 0.022,
 * so |r| < 0.1 is 4.5 sd; a shared or misindexed draw would give |r| ~ 1. */
static void test_independence(void) {
    double worst = 0;
    int wa = 0, wb = 0;
    for (int a = 0; a < K; a++)
        for (int b = a + 1; b < K; b++) {
            double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
            for (int i = 0; i < N; i++) { ma += attrs[i][a]; mb += attrs[i][b]; }
            ma /= N; mb /= N;
            for (int i = 0; i < N; i++) {
                double da = attrs[i][a] - ma, db = attrs[i][b] - mb;
                sab += da * db; saa += da * da; sbb += db * db;
            }
            double r = fabs(sab / sqrt(saa * sbb));
            if (r > worst) { worst = r; wa = a; wb = b; }
        }
    CHECK(worst < 0.1, "largest |correlation| between attributes %.4f (%s, %s), need < 0.1",
          worst, synth_attribute_name(wa), synth_attribute_name(wb));
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_pixels(void) {
    uint8_t *img = test_alloc(FACE_BYTES);
    double *sum = test_alloc(sizeof(double) * FACE_BYTES), *sq = test_alloc(sizeof(double) * FACE_BYTES);
    uint64_t *hash = test_alloc(sizeof(uint64_t) * N);
    long long saturated = 0;
    for (uint32_t i = 0; i < N; i++) {
        synth_face(img, SEED, i);
        uint64_t h = 0xcbf29ce484222325ull;
        for (int p = 0; p < FACE_BYTES; p++) {
            sum[p] += img[p];
            sq[p] += (double)img[p] * img[p];
            saturated += img[p] == 0 || img[p] == 255;
            h = (h ^ img[p]) * 0x100000001b3ull;
        }
        hash[i] = h;
    }
    for (int c = 0; c < 3; c++) {
        double s = 0, s2 = 0;
        for (int p = c; p < FACE_BYTES; p += 3) { s += sum[p]; s2 += sq[p]; }
        double n = (double)N * SYNTH_SIZE * SYNTH_SIZE, mean = s / n;
        double sd = sqrt(s2 / n - mean * mean);
        /* Mid-tone, well-spread colour: a mean near 0 or 255 would mean a
         * washed-out or black dataset, an sd under 30 a nearly flat one. */
        CHECK(mean > 70 && mean < 190 && sd > 30 && sd < 100,
              "channel %c over %d faces: mean %.1f (need 70..190), sd %.1f (need 30..100)",
              "RGB"[c], N, mean, sd);
    }
    /* Every pixel position must vary across the dataset: sd > 10 levels. */
    int flat = 0;
    for (int p = 0; p < FACE_BYTES; p++) {
        double m = sum[p] / N;
        if (sqrt(sq[p] / N - m * m) <= 10.0) flat++;
    }
    CHECK(flat == 0, "pixel channels with sd <= 10 across the dataset: %d of %d", flat, FACE_BYTES);
    double sat = (double)saturated / ((double)N * FACE_BYTES);
    /* Pupils and highlights are allowed to clip; large clipped areas are not. */
    CHECK(sat < 0.01, "share of channel values at 0 or 255: %.5f (need < 0.01)", sat);
    qsort(hash, N, sizeof *hash, cmp_u64);
    int repeats = 0;
    for (int i = 1; i < N; i++) repeats += hash[i] == hash[i - 1];
    CHECK(repeats == 0, "identical images among %d: %d", N, repeats);
    free(img); free(sum); free(sq); free(hash);
}

int main(void) {
    test_attributes();
    test_independence();
    test_pixels();
    if (failures) printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
