/* How far one float array is from a reference: the figures every selftest
 * check is judged by. */
#include <math.h>
#include <string.h>

#include "vaevk/selftest.h"

/* Distance in representable floats: the sign-magnitude bits mapped onto
 * one monotone integer line, so -0 and +0 are 0 apart and the smallest
 * values of opposite sign are 2 apart. */
static uint32_t ulps(float a, float b) {
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    int64_t la = ia < 0 ? -(int64_t)(ia & 0x7fffffff) : ia;
    int64_t lb = ib < 0 ? -(int64_t)(ib & 0x7fffffff) : ib;
    int64_t d = la > lb ? la - lb : lb - la;
    return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

vae_selftest_diff vae_selftest_compare(const float *got, const float *ref, size_t n) {
    vae_selftest_diff r = {0};
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        float a = got[i], b = ref[i];
        if (memcmp(&a, &b, 4) != 0 && !(isnan(a) && isnan(b)))
            r.inexact++;
        if (!isfinite(a) || !isfinite(b)) {
            int same = (isnan(a) && isnan(b)) || (isinf(b) && a == b);
            r.special_diff += !same;
            continue;
        }
        double d = (double)a - (double)b;
        num += d * d;
        den += (double)b * b;
        if (fabs(d) > r.max_abs)
            r.max_abs = fabs(d);
        uint32_t u = ulps(a, b);
        if (u > r.max_ulp)
            r.max_ulp = u;
    }
    r.nmse = den > 0 ? num / den : (num > 0 ? INFINITY : 0.0);
    return r;
}
