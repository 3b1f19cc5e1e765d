/* A short training run on the backend under test and on the reference, in
 * lockstep: same initialisation, same batches (synthetic faces, reshuffled
 * every epoch), same seed for noise and flips, beta ramping as in `train`.
 * Every step's loss terms and the final parameters and moments must agree
 * (bounds in vaevk/selftest.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/dataset.h"
#include "vaevk/selftest.h"
#include "vaevk/train.h"

void vae_selftest_train_default(vae_selftest_train_options *o) {
    memset(o, 0, sizeof *o);
    o->cfg = (vae_config){{4, 8, 8, 16}, 8};
    o->batch = 4;
    o->steps = 20;
    o->images = 32;
    o->anneal_epochs = 2.0f;
    o->lr = 1e-3f;
    o->seed = 1;
}

/* Everything one run holds, freed in one place. */
typedef struct {
    vae_dataset *ds;
    long *order;
    uint8_t *pixels;
    float *init, *state[2][3]; /* [backend, reference][params, m, v] */
    vae_trainer t[2];
    int started[2];
} run_state;

static void run_free(run_state *s) {
    for (int b = 0; b < 2; b++) {
        if (s->started[b])
            vae_trainer_free(&s->t[b]);
        for (int k = 0; k < 3; k++)
            free(s->state[b][k]);
    }
    vae_dataset_close(s->ds);
    free(s->order), free(s->pixels), free(s->init);
}

static int check_options(const vae_selftest_train_options *o, char *err, size_t errlen) {
    if (vae_config_check(&o->cfg, err, errlen) != 0)
        return -1;
    if (o->steps < 1 || o->steps > VAE_SELFTEST_MAX_STEPS || o->batch < 1 || o->images < o->batch) {
        snprintf(err, errlen, "training check: %d steps of %d images from %ld faces: need 1..%d steps "
                 "and at least one batch of faces", o->steps, o->batch, o->images, VAE_SELFTEST_MAX_STEPS);
        return -1;
    }
    return 0;
}

static int run_alloc(run_state *s, const vae_selftest_train_options *o, uint32_t total) {
    s->order = malloc((size_t)o->images * sizeof *s->order);
    s->pixels = malloc((size_t)o->batch * VAE_DATA_IMAGE_BYTES);
    s->init = malloc((size_t)total * sizeof *s->init);
    int ok = s->order && s->pixels && s->init;
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 3; k++)
            ok = (s->state[b][k] = malloc((size_t)total * sizeof(float))) && ok;
    return ok ? 0 : -1;
}

/* |got-ref|/|ref|; infinite when either is not finite. */
static double rel(float got, float ref) {
    if (!isfinite(got) || !isfinite(ref))
        return INFINITY;
    if (got == ref)
        return 0.0;
    return fabs((double)got - (double)ref) / fabs((double)ref);
}

double vae_selftest_loss_rel(vae_precision precision) {
    return precision == VAE_PRECISION_MIXED ? VAE_SELFTEST_MIXED_LOSS_REL : VAE_SELFTEST_LOSS_REL;
}

double vae_selftest_state_nmse(vae_precision precision) {
    return precision == VAE_PRECISION_MIXED ? VAE_SELFTEST_MIXED_STATE_NMSE : VAE_SELFTEST_STATE_NMSE;
}

static void judge_step(vae_selftest_step *st, double bound) {
    st->rel[0] = rel(st->got.loss, st->ref.loss);
    st->rel[1] = rel(st->got.recon, st->ref.recon);
    st->rel[2] = rel(st->got.kl, st->ref.kl);
    st->pass = st->got.loss_scale == st->ref.loss_scale && st->got.skipped == st->ref.skipped;
    for (int i = 0; i < 3; i++)
        st->pass &= st->rel[i] <= bound;
}

/* Both trainers from the same parameters, zero moments. */
static int start(run_state *s, vae_backend *be[2], const vae_selftest_train_options *o, char *err,
                 size_t errlen) {
    for (int b = 0; b < 2; b++) {
        s->started[b] = 1;
        int status = vae_trainer_init(&s->t[b], be[b], &o->cfg, o->batch, o->seed, o->lr, 1, o->precision);
        if (status == 0 && b == 0)
            vae_params_init(s->init, &s->t[0].lay.table, o->seed);
        if (status != 0 || vae_trainer_set_state(&s->t[b], s->init, NULL, NULL) != 0) {
            snprintf(err, errlen, "training check on %s: %s", be[b]->name, be[b]->error);
            return -1;
        }
    }
    return 0;
}

static int train(run_state *s, vae_backend *be[2], vae_selftest_train_result *r) {
    const vae_selftest_train_options *o = &r->o;
    vae_train_options ramp;
    vae_train_options_default(&ramp);
    ramp.beta_max = 1.0f;
    ramp.anneal_epochs = o->anneal_epochs;
    long per_epoch = o->images / o->batch;
    for (int step = 0; step < o->steps; step++) {
        vae_selftest_step *st = &r->step[step];
        if (step % per_epoch == 0)
            vae_dataset_shuffle(s->order, o->images, o->seed, (uint32_t)(step / per_epoch));
        if (vae_dataset_read_batch(s->ds, s->order, step % per_epoch * o->batch, o->batch, s->pixels) != 0) {
            snprintf(r->error, sizeof r->error, "training check: %.700s", s->ds->error);
            return -1;
        }
        st->beta = vae_beta_at(&ramp, step, per_epoch);
        vae_step_out *out[2] = {&st->got, &st->ref};
        for (int b = 0; b < 2; b++)
            if (vae_trainer_step(&s->t[b], s->pixels, step, st->beta, out[b]) != 0) {
                snprintf(r->error, sizeof r->error, "training check, step %d on %s: %s", step, be[b]->name,
                         be[b]->error);
                return -1;
            }
        judge_step(st, vae_selftest_loss_rel(o->precision));
        r->steps_run = step + 1;
    }
    return 0;
}

static void judge_state(run_state *s, vae_selftest_train_result *r, uint32_t total) {
    vae_selftest_diff *d[3] = {&r->params, &r->adam_m, &r->adam_v};
    for (int k = 0; k < 3; k++)
        *d[k] = vae_selftest_compare(s->state[0][k], s->state[1][k], total);
    for (uint32_t i = 0; i < total; i++)
        r->params_apart += fabsf(s->state[0][0][i] - s->state[1][0][i]) > r->o.lr;
    r->max_rel = 0;
    r->pass = 1;
    for (int i = 0; i < r->steps_run; i++) {
        r->pass &= r->step[i].pass;
        for (int j = 0; j < 3; j++)
            r->max_rel = r->step[i].rel[j] > r->max_rel ? r->step[i].rel[j] : r->max_rel;
    }
    for (int k = 0; k < 3; k++)
        r->pass &= d[k]->special_diff == 0 && d[k]->nmse <= vae_selftest_state_nmse(r->o.precision);
}

int vae_selftest_train(vae_backend *be, vae_backend *ref, const vae_selftest_train_options *o,
                       vae_selftest_train_result *r) {
    memset(r, 0, sizeof *r);
    r->o = *o;
    if (check_options(o, r->error, sizeof r->error) != 0)
        return -1;
    vae_backend *both[2] = {be, ref};
    run_state s = {0};
    vae_layout lay;
    vae_layout_init(&lay, &o->cfg, o->batch);
    uint32_t total = lay.table.total;
    int status = -1;
    if (run_alloc(&s, o, total) != 0)
        snprintf(r->error, sizeof r->error, "training check: out of memory");
    else if (vae_dataset_open("synthetic", o->images, o->seed, &s.ds, r->error, sizeof r->error) == 0 &&
             start(&s, both, o, r->error, sizeof r->error) == 0 && train(&s, both, r) == 0)
        status = 0;
    for (int b = 0; b < 2 && status == 0; b++)
        if (vae_trainer_get_state(&s.t[b], s.state[b][0], s.state[b][1], s.state[b][2]) != 0) {
            snprintf(r->error, sizeof r->error, "training check on %s: %s", both[b]->name, both[b]->error);
            status = -1;
        }
    if (status == 0)
        judge_state(&s, r, total);
    run_free(&s);
    return status;
}
