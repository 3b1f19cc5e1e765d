#include "viz/attributes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int viz_attribute_is_angle(int k) {
    const char *name = synth_attribute_name(k);
    return strcmp(name, "light_angle") == 0 || strcmp(name, "background_hue") == 0 ||
           strcmp(name, "shirt_hue") == 0;
}

/* Pearson's r of x and y over n, in double; 0 when either is constant. */
static double pearson(const double *x, const double *y, int n) {
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0.0;
}

void viz_attribute_correlations(double *r, const float *mu, int n, int L, uint64_t seed,
                                const long *index) {
    const int A = SYNTH_NUM_ATTRIBUTES;
    const double turn = 2.0 * acos(-1.0);
    double *att = malloc((size_t)n * A * sizeof *att), *c = malloc((size_t)n * sizeof *c);
    double *s = malloc((size_t)n * sizeof *s), *z = malloc((size_t)n * sizeof *z);
    if (!att || !c || !s || !z) {
        memset(r, 0, (size_t)L * A * sizeof *r); /* nothing measured */
        goto done;
    }
    for (int i = 0; i < n; i++) {
        synth_attributes a;
        synth_attributes_draw(&a, seed, (uint32_t)index[i]);
        for (int k = 0; k < A; k++)
            att[(size_t)k * n + i] = synth_attribute_get(&a, k);
    }
    for (int d = 0; d < L; d++) {
        for (int i = 0; i < n; i++)
            z[i] = mu[(size_t)i * L + d];
        for (int k = 0; k < A; k++) {
            const double *v = att + (size_t)k * n;
            if (!viz_attribute_is_angle(k)) {
                r[(size_t)d * A + k] = pearson(z, v, n);
                continue;
            }
            for (int i = 0; i < n; i++) {
                c[i] = cos(turn * v[i]);
                s[i] = sin(turn * v[i]);
            }
            /* the multiple correlation of z on (cos, sin) */
            double rc = pearson(z, c, n), rs = pearson(z, s, n), q = pearson(c, s, n);
            double r2 = q * q < 1 ? (rc * rc + rs * rs - 2 * rc * rs * q) / (1 - q * q) : 0;
            r[(size_t)d * A + k] = sqrt(r2 > 0 ? r2 : 0);
        }
    }
done:
    free(att);
    free(c);
    free(s);
    free(z);
}
