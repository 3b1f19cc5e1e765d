#include "viz/kl_decompose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "viz/aggregate.h"
#include "viz/gauss.h"

enum { MI, AGG, SUM, PARTS }; /* the three figures, in viz_kl_split's order */

/* Per image, per figure: the sum and the sum of squares of its draws. */
typedef struct {
    double *s1, *s2; // (n, PARTS)
    double *repeat;  // (repeats, PARTS): each repeat's mean
} tallies;

static void add(tallies *ta, int i, int part, double v) {
    ta->s1[i * PARTS + part] += v;
    ta->s2[i * PARTS + part] += v * v;
}

/* log q(z) for the draws of one repeat, then each draw's terms. */
static int one_repeat(vae_trainer *t, const float *mu, const float *log_var, int n, int L,
                      int samples, const float *z, double *log_q, tallies *ta, int r, char *err,
                      size_t errlen) {
    long S = (long)n * samples;
    if (t) {
        if (viz_aggregate_log_density(t, z, S, mu, log_var, n, L, log_q, err, errlen) != 0)
            return -1;
    } else {
        viz_aggregate_log_density_ref(z, S, mu, log_var, n, L, log_q);
    }
    double total[PARTS] = {0};
    for (int i = 0; i < n; i++)
        for (int m = 0; m < samples; m++) {
            long s = (long)i * samples + m;
            const float *zs = z + s * L;
            double lqx = viz_log_posterior(zs, mu + (size_t)i * L, log_var + (size_t)i * L, L);
            double v[PARTS] = {lqx - log_q[s], log_q[s] - viz_log_prior(zs, L), 0};
            v[SUM] = v[MI] + v[AGG];
            for (int p = 0; p < PARTS; p++) {
                add(ta, i, p, v[p]);
                total[p] += v[p];
            }
        }
    for (int p = 0; p < PARTS; p++)
        ta->repeat[r * PARTS + p] = total[p] / S;
    return 0;
}

static viz_mc summarise(const tallies *ta, int part, int n, int samples, int repeats) {
    viz_mc f = {0};
    double J = (double)samples * repeats, var_sum = 0, dev = 0;
    for (int i = 0; i < n; i++) {
        double s1 = ta->s1[i * PARTS + part], s2 = ta->s2[i * PARTS + part];
        f.mean += s1;
        var_sum += J > 1 ? fmax(s2 - s1 * s1 / J, 0) / (J - 1) : 0;
    }
    f.mean /= J * n;
    f.se = J > 1 ? sqrt(var_sum / J) / n : NAN;
    for (int r = 0; r < repeats; r++) {
        double d = ta->repeat[r * PARTS + part] - f.mean;
        dev += d * d;
    }
    f.spread = repeats > 1 ? sqrt(dev / (repeats - 1)) : NAN;
    return f;
}

int viz_kl_decompose(vae_trainer *t, const float *mu, const float *log_var, int n, int L,
                     int samples, int repeats, uint64_t seed, vae_progress_fn fn, void *ctx,
                     viz_kl_split *out, char *err, size_t errlen) {
    if (n < 1 || samples < 1 || repeats < 1 || L < 1) {
        snprintf(err, errlen, "the KL decomposition needs at least one image, draw and repeat "
                 "(got %d images, %d draws, %d repeats)", n, samples, repeats);
        return -1;
    }
    if (!viz_draws_fit(n, samples, L)) {
        snprintf(err, errlen, "%d images x %d draws x %d dimensions is more numbers than one "
                 "run of the generator gives (2^32): use fewer images or draws", n, samples, L);
        return -1;
    }
    long S = (long)n * samples;
    float *z = malloc((size_t)S * L * sizeof *z);
    double *log_q = malloc((size_t)S * sizeof *log_q);
    tallies ta = {calloc((size_t)n * PARTS, sizeof(double)), calloc((size_t)n * PARTS, sizeof(double)),
                  calloc((size_t)repeats * PARTS, sizeof(double))};
    int status = -1;
    if (!z || !log_q || !ta.s1 || !ta.s2 || !ta.repeat) {
        snprintf(err, errlen, "out of memory for %ld draws of %d dimensions", S, L);
        goto done;
    }
    for (int r = 0; r < repeats; r++) {
        for (int i = 0; i < n; i++)
            viz_draw_posterior(z + (size_t)i * samples * L, mu + (size_t)i * L,
                               log_var + (size_t)i * L, samples, L, seed,
                               VIZ_STEP_KL + (uint32_t)r, (uint32_t)i * (uint32_t)samples * (uint32_t)L);
        if (one_repeat(t, mu, log_var, n, L, samples, z, log_q, &ta, r, err, errlen) != 0)
            goto done;
        if (fn)
            fn(ctx, "KL decomposition", r + 1, repeats);
    }
    *out = (viz_kl_split){.n = n, .samples = samples, .repeats = repeats, .log_n = log((double)n),
                          .mi = summarise(&ta, MI, n, samples, repeats),
                          .agg_kl = summarise(&ta, AGG, n, samples, repeats),
                          .sum = summarise(&ta, SUM, n, samples, repeats)};
    for (int i = 0; i < n; i++)
        out->kl += viz_kl_closed_form(mu + (size_t)i * L, log_var + (size_t)i * L, L);
    out->kl /= n;
    status = 0;
done:
    free(z);
    free(log_q);
    free(ta.s1);
    free(ta.s2);
    free(ta.repeat);
    return status;
}

int viz_kl_identity_holds(const viz_kl_split *s) {
    return isfinite(s->sum.se) && fabs(s->sum.mean - s->kl) <= 3 * s->sum.se;
}
