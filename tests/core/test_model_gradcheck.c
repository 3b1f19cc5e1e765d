/* The whole loss against central finite differences with respect to every
 * parameter tensor, on a tiny model, through the CPU backend in double
 * precision (the same program as training, run on the float64 twins of the
 * ops, see cpu/reference_f64.h).
 *
 * Per tensor: one random unit direction v (analytic g·v against
 * (L(θ+hv) − L(θ−hv)) / 2h) and four single elements. Criterion: PyTorch's
 * gradcheck bar, |analytic − numeric| <= 1e-5 + 1e-3·|numeric|. The step is
 * 1e-5, not gradcheck's 1e-6: our loss sums 24576 squared errors to |L| ≈ 4e3,
 * and its double rounding (measured ≈ 1e-11, a few ulp of L) divided by h
 * must stay under the 1e-5 absolute term — at 1e-6 it reaches 1e-5 and at
 * 1e-7 1e-4, while the O(h²) truncation at 1e-5 is far smaller. A wrong
 * backward misses by orders of magnitude. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/reference_f64.h"
#include "vaevk/graph.h"
#include "vaevk/rng.h"

#define STEP 1e-5
#define ATOL 1e-5
#define RTOL 1e-3
#define BETA 0.7f

typedef struct {
    vae_backend *be;
    vae_layout lay;
    vae_recording *rec; /* forward, loss and backward; no Adam */
    double *sse, *kl;
} model;

static void fail_backend(model *m) {
    fprintf(stderr, "backend failed: %s\n", m->be->error);
    exit(1);
}

/* The loss in double: mean(sse) + beta·mean(kl), from the per-image terms. */
static double loss_at(model *m, const double *params) {
    if (vae_reference_write_f64(m->be, m->lay.params_all, params) || vae_backend_run(m->be, m->rec) ||
        vae_reference_read_f64(m->be, m->lay.sse, m->sse) || vae_reference_read_f64(m->be, m->lay.kl, m->kl))
        fail_backend(m);
    double recon = 0, kl = 0;
    for (int b = 0; b < m->lay.batch; b++) {
        recon += m->sse[b];
        kl += m->kl[b];
    }
    return (recon + (double)BETA * kl) / m->lay.batch;
}

static int verdict(const char *what, double ana, double num) {
    double err = fabs(ana - num), bound = ATOL + RTOL * fabs(num);
    int ok = err <= bound;
    printf("  %-34s analytic %14.8f numeric %14.8f |err| %.2e (bound %.2e) %s\n", what, ana, num,
           err, bound, ok ? "ok" : "FAIL");
    return ok;
}

static void setup(model *m, double **params) {
    vae_config cfg = {{3, 4, 5, 6}, 3};
    m->be = vae_reference_backend_create_f64();
    vae_layout_init(&m->lay, &cfg, 2);
    vae_program prog = {0};
    vae_step_options opts = {.from_pixels = 0, .eps_from_rng = 0, .adam = 0};
    if (vae_build_train_step(&prog, &m->lay, &opts) ||
        m->be->vt->alloc_arenas(m->be, m->lay.arena_words) || m->be->vt->record(m->be, &prog, &m->rec))
        fail_backend(m);
    vae_program_free(&prog);
    const vae_layout *l = &m->lay;
    float *p32 = malloc(l->table.total * 4), *x = malloc(l->x.count * 4), *eps = malloc(l->eps.count * 4);
    vae_params_init(p32, &l->table, 7);
    for (uint32_t i = 0; i < l->x.count; i++)
        x[i] = 2.0f * vae_rng_uniform(11, VAE_STREAM_DATA, 0, i) - 1.0f;
    vae_rng_normal_fill(eps, l->eps.count, 11, VAE_STREAM_DATA, 1, 0);
    vae_step_in in = {0};
    in.beta = BETA;
    if (m->be->vt->write(m->be, l->x, x) || m->be->vt->write(m->be, l->eps, eps) ||
        m->be->vt->write(m->be, l->step_in, &in) ||
        m->be->vt->write(m->be, l->loss_scaler, &(vae_loss_scaler){.scale = 1.0f}))
        fail_backend(m);
    *params = malloc(l->table.total * sizeof(double));
    for (uint32_t i = 0; i < l->table.total; i++)
        (*params)[i] = p32[i];
    m->sse = malloc(l->batch * sizeof(double));
    m->kl = malloc(l->batch * sizeof(double));
    free(p32); free(x); free(eps);
}

int main(void) {
    model m = {0};
    double *params;
    setup(&m, &params);
    const uint32_t total = m.lay.table.total;
    double *grads = malloc(total * sizeof(double)), *probe = malloc(total * sizeof(double));
    double *v = malloc(total * sizeof(double));
    printf("loss %.6f at the start; step %g; pass iff |err| <= %g + %g*|numeric|\n",
           loss_at(&m, params), STEP, ATOL, RTOL);
    if (vae_reference_read_f64(m.be, m.lay.grads_all, grads))
        fail_backend(&m);
    int checks = 0, failures = 0;
    for (int t = 0; t < VAE_NPARAMS; t++) {
        const vae_param *p = &m.lay.table.p[t];
        double norm = 0, ana = 0;
        memset(v, 0, total * sizeof(double));
        for (uint32_t j = 0; j < p->count; j++) {
            v[p->offset + j] = vae_rng_normal(3, VAE_STREAM_DATA, 100 + (uint32_t)t, j);
            norm += v[p->offset + j] * v[p->offset + j];
        }
        for (uint32_t j = 0; j < p->count; j++) {
            v[p->offset + j] /= sqrt(norm);
            ana += grads[p->offset + j] * v[p->offset + j];
        }
        for (int k = -1; k < 4; k++) {
            uint32_t j = k < 0 ? 0 : vae_rng_u32(5, VAE_STREAM_DATA, (uint32_t)t, (uint32_t)k) % p->count;
            char what[64];
            for (uint32_t i = 0; i < total; i++)
                probe[i] = params[i] + STEP * (k < 0 ? v[i] : (i == p->offset + j));
            double up = loss_at(&m, probe);
            for (uint32_t i = 0; i < total; i++)
                probe[i] = params[i] - STEP * (k < 0 ? v[i] : (i == p->offset + j));
            double num = (up - loss_at(&m, probe)) / (2 * STEP);
            if (k < 0)
                snprintf(what, sizeof what, "%s (direction)", p->name);
            else
                snprintf(what, sizeof what, "%s[%u]", p->name, j);
            failures += !verdict(what, k < 0 ? ana : grads[p->offset + j], num);
            checks++;
        }
    }
    printf("%s: %d of %d checks failed\n", failures ? "FAIL" : "PASS", failures, checks);
    m.be->vt->free_recording(m.be, m.rec);
    m.be->vt->destroy(m.be);
    free(m.sse); free(m.kl); free(params); free(grads); free(probe); free(v);
    return failures ? 1 : 0;
}
