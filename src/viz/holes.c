#include "viz/holes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/rng.h"
#include "viz/aggregate.h"
#include "viz/gauss.h"
#include "viz/latent.h"

#define IMAGE_BYTES ((size_t)VIZ_S * VIZ_S * 3)
#define GAP 12 /* pixels between the two grids */

typedef struct {
    double v;
    int i;
} scored;

static int most_covered_first(const void *a, const void *b) {
    const scored *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static void rank(viz_holes *h) {
    scored *s = malloc((size_t)h->count * sizeof *s);
    for (int i = 0; s && i < h->count; i++)
        s[i] = (scored){isnan(h->log_q[i]) ? -INFINITY : h->log_q[i], i};
    if (s)
        qsort(s, (size_t)h->count, sizeof *s, most_covered_first);
    for (int i = 0; i < h->count; i++)
        h->order[i] = s ? s[i].i : i;
    free(s);
}

/* Mean and standard deviation (n - 1) of a[i] - b[i] (b NULL: of a). */
static void mean_sd(const double *a, const double *b, int n, double *mean, double *sd) {
    double m = 0, dev = 0;
    for (int i = 0; i < n; i++)
        m += a[i] - (b ? b[i] : 0);
    m /= n;
    for (int i = 0; i < n; i++) {
        double e = a[i] - (b ? b[i] : 0) - m;
        dev += e * e;
    }
    *mean = m;
    *sd = n > 1 ? sqrt(dev / (n - 1)) : NAN;
}

int viz_holes_score(vae_trainer *t, const float *mu, const float *log_var, int n, int L,
                    int count, uint64_t seed, viz_holes *h, char *err, size_t errlen) {
    *h = (viz_holes){.count = count, .L = L};
    if (count < 1 || n < 1 || !viz_draws_fit(1, count, L)) {
        snprintf(err, errlen, "the prior holes need 1 or more images and 1 to 2^32 / %d draws "
                 "(got %d images, %d draws)", L, n, count);
        return -1;
    }
    h->z = malloc((size_t)count * L * sizeof *h->z);
    h->log_q = malloc((size_t)count * sizeof *h->log_q);
    h->log_p = malloc((size_t)count * sizeof *h->log_p);
    h->order = malloc((size_t)count * sizeof *h->order);
    if (!h->z || !h->log_q || !h->log_p || !h->order) {
        snprintf(err, errlen, "out of memory for %d draws", count);
        viz_holes_free(h);
        return -1;
    }
    vae_rng_normal_fill(h->z, (uint32_t)count * (uint32_t)L, seed, VAE_STREAM_ANALYSIS,
                        VIZ_STEP_HOLES, 0);
    if (t && viz_aggregate_log_density(t, h->z, count, mu, log_var, n, L, h->log_q, err,
                                       errlen) != 0) {
        viz_holes_free(h);
        return -1;
    }
    if (!t)
        viz_aggregate_log_density_ref(h->z, count, mu, log_var, n, L, h->log_q);
    for (int i = 0; i < count; i++)
        h->log_p[i] = viz_log_prior(h->z + (size_t)i * L, L);
    double diff_sd;
    mean_sd(h->log_p, h->log_q, count, &h->kl_pq, &diff_sd);
    h->kl_pq_se = diff_sd / sqrt(count);
    double unused;
    mean_sd(h->log_q, NULL, count, &unused, &h->log_q_sd);
    mean_sd(h->log_p, NULL, count, &unused, &h->log_p_sd);
    rank(h);
    return 0;
}

/* Decodes the draws order[first + j step] for j < shown into a grid. */
static int grid_of(vae_trainer *t, const viz_holes *h, int first, int step, int shown, int cols,
                   viz_canvas *c, char *err, size_t errlen) {
    float *z = malloc((size_t)shown * h->L * sizeof *z);
    uint8_t *rgb = malloc((size_t)shown * IMAGE_BYTES);
    int status = -1;
    if (!z || !rgb) {
        snprintf(err, errlen, "out of memory decoding %d draws", shown);
    } else {
        for (int j = 0; j < shown; j++)
            memcpy(z + (size_t)j * h->L, h->z + (size_t)h->order[first + j * step] * h->L,
                   (size_t)h->L * sizeof *z);
        if (viz_decode(t, z, shown, rgb, err, errlen) == 0)
            status = viz_canvas_grid(c, rgb, shown, cols, 1, 0, 0, err, errlen);
    }
    free(z);
    free(rgb);
    return status;
}

int viz_holes_picture(vae_trainer *t, const viz_holes *h, int shown, int cols, viz_canvas *out,
                      char *err, size_t errlen) {
    static const char *const headings[2] = {"most covered", "least covered"};
    if (shown > h->count / 2)
        shown = h->count / 2;
    if (shown < 1) {
        snprintf(err, errlen, "too few draws (%d) to show the most and least covered", h->count);
        return -1;
    }
    viz_canvas part[2] = {{0}};
    int status = grid_of(t, h, 0, 1, shown, cols, &part[0], err, errlen) == 0 &&
                         grid_of(t, h, h->count - 1, -1, shown, cols, &part[1], err, errlen) == 0
                     ? viz_canvas_beside(out, part, headings, 2, GAP, 1, err, errlen)
                     : -1;
    viz_canvas_free(&part[0]);
    viz_canvas_free(&part[1]);
    return status;
}

void viz_holes_free(viz_holes *h) {
    free(h->z);
    free(h->log_q);
    free(h->log_p);
    free(h->order);
    h->z = NULL;
    h->log_q = h->log_p = NULL;
    h->order = NULL;
}
