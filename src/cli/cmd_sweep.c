/* vae-vk sweep: one training run per (beta, ramp) pair of a grid, with
 * the same data, seed and budget, each in its own run directory under
 * --out (finished runs skipped, interrupted ones resumed), then
 * DIR/sweep.html comparing them (viz/sweep.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/run_dir.h"
#include "cli/sweep_settings.h"
#include "cli/train_request.h"
#include "cli/wrote.h"
#include "vaevk/checkpoint.h"
#include "vaevk/train_options.h"
#include "viz/sweep.h"

static const char usage[] =
    "--beta 0,1,10 [--anneal-epochs 0,3] [train options] --out DIR\n"
    "Trains one model per (beta, ramp) pair with the same data, seed and budget,\n"
    "each in DIR/beta-B_anneal-A (beta 0 trains once, without a ramp), then\n"
    "writes DIR/sweep.html comparing them. Run again, it skips finished runs and\n"
    "resumes interrupted ones; DIR/sweep.json keeps the settings: give the same\n"
    "ones, or none, to continue.";

typedef struct {
    train_request q;      /* the options every run shares */
    sweep_grid grid;
    const char *beta_text, *anneal_text, *out;
    int nruns;
    viz_sweep_run *runs;  /* beta-major: runs[b * nanneal + a] */
} sweep;

static int parse(sweep *s, int argc, char **argv) {
    static const char *const grid_flags[] = {"beta-max", "anneal-epochs", NULL};
    const arg_spec own[] = {
        {"beta", ARG_STRING, &s->beta_text, 1, 0, "the KL weights to train, a list (0,1,10)", 0},
        {"anneal-epochs", ARG_STRING, &s->anneal_text, 1, 0, "the ramp lengths to train, a list (3)", 0},
        {"out", ARG_STRING, &s->out, 1, 0, "the sweep's directory (default runs/sweep)", 0},
        CLI_DEVICE_SPECS(&s->q.device),
        {"quiet", ARG_FLAG, &s->q.quiet, 1, 0, "no progress output", 0},
    };
    int status = train_request_parse(&s->q, "sweep", usage, grid_flags, own, (int)(sizeof own / sizeof own[0]), argc,
                                     argv);
    if (status != 0)
        return status;
    if (!s->out)
        s->out = "runs/sweep";
    if (sweep_list_parse("beta", s->beta_text ? s->beta_text : "0,1,10", 1e6, s->grid.beta, &s->grid.nbeta) != 0)
        return -1;
    return sweep_list_parse("anneal-epochs", s->anneal_text ? s->anneal_text : "3", 1e6, s->grid.anneal,
                            &s->grid.nanneal);
}

static long total_steps(const vae_train_options *o, long steps_per_epoch) {
    long total = (long)o->epochs * steps_per_epoch;
    return o->max_steps > 0 && o->max_steps < total ? o->max_steps : total;
}

/* The run's options must be the sweep's: the first that differs, or NULL. */
static const char *differing_option(const vae_train_options *a, const vae_train_options *b) {
    for (int i = 0; i < vae_train_option_count; i++) {
        char x[700], y[700];
        vae_train_option_format(&vae_train_option_table[i], a, x, sizeof x);
        vae_train_option_format(&vae_train_option_table[i], b, y, sizeof y);
        if (strcmp(x, y) != 0)
            return vae_train_option_table[i].flag;
    }
    return NULL;
}

enum { RUN_NEW, RUN_RESUME, RUN_DONE, RUN_BAD };

/* Where run r stands: no checkpoint yet, part-way, or at its last step. */
static int run_state(const char *dir, const vae_train_options *o, viz_sweep_run *r) {
    char path[1300], err[600];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_CHECKPOINT);
    if (!file_exists(path))
        return RUN_NEW;
    vae_checkpoint ck;
    if (vae_checkpoint_load(path, &ck, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk sweep: %s: move the run away to start it again\n", err);
        return RUN_BAD;
    }
    const char *flag = differing_option(&ck.options, o);
    int state = RUN_BAD;
    if (flag)
        fprintf(stderr, "vae-vk sweep: %s holds a run with another --%s than this sweep's: move it away, or "
                        "choose another --out\n", dir, flag);
    else {
        r->step = ck.progress.step;
        r->total = total_steps(&ck.options, ck.progress.steps_per_epoch);
        state = r->step >= r->total ? RUN_DONE : RUN_RESUME;
    }
    vae_checkpoint_free(&ck);
    return state;
}

/* Trains (or skips, or resumes) run k. 0, or train's exit status. */
static int train_one(sweep *s, int k) {
    viz_sweep_run *r = &s->runs[k];
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/%s", s->out, r->name);
    train_request q = s->q;
    q.o.beta_max = r->beta;
    q.o.anneal_epochs = r->anneal;
    int state = run_state(dir, &q.o, r);
    if (state == RUN_BAD)
        return 1;
    char what[1400];
    if (state == RUN_DONE)
        snprintf(what, sizeof what, "finished (step %ld of %ld), skipped", r->step, r->total);
    else if (state == RUN_RESUME)
        snprintf(what, sizeof what, "resuming %s at step %ld of %ld", dir, r->step, r->total);
    else
        snprintf(what, sizeof what, "starting %s", dir);
    if (!s->q.quiet)
        fprintf(stderr, "vae-vk sweep: run %d of %d: beta %g, anneal %g: %s\n", k + 1, s->nruns, (double)r->beta,
                (double)r->anneal, what);
    if (state == RUN_DONE)
        return 0;
    if (state == RUN_RESUME) {
        memset(q.given, 0, sizeof q.given); /* everything from its checkpoint */
        q.resume = dir;
    } else {
        q.out = dir;
    }
    int status = train_request_run(&q);
    if (status != 0)
        fprintf(stderr, "vae-vk sweep: stopped at run %d of %d: run the same command again to continue the "
                        "sweep\n", k + 1, s->nruns);
    return status;
}

/* Loads each run's model and measures it on the shared faces and z. */
static int measure(sweep *s, viz_sweep_inputs *in) {
    char err[600], dir[1200];
    if (viz_sweep_inputs_make(in, &s->q.o, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk sweep: the held-out faces: %s\n", err);
        return -1;
    }
    if (!s->q.quiet)
        fprintf(stderr, "vae-vk sweep: measuring the %d runs on %d %s faces and as many samples\n", s->nruns,
                in->n, in->held_out ? "held-out" : "training");
    for (int k = 0; k < s->nruns; k++) {
        viz_sweep_run *r = &s->runs[k];
        loaded_model m;
        snprintf(dir, sizeof dir, "%s/%s", s->out, r->name);
        int status = model_load(&m, "sweep", dir, &s->q.device, 64, s->q.quiet || k > 0);
        if (status == 0) {
            r->step = m.ck.progress.step;
            r->total = total_steps(&m.ck.options, m.ck.progress.steps_per_epoch);
            status = viz_sweep_read_validation(dir, r, err, sizeof err) != 0 ||
                     viz_sweep_measure(&m.trainer, in, r, err, sizeof err) != 0;
            if (status)
                fprintf(stderr, "vae-vk sweep: %s: %s\n", dir, err);
        }
        model_unload(&m);
        if (status != 0)
            return -1;
    }
    return 0;
}

static int write_page(sweep *s) {
    viz_sweep_inputs in;
    char err[600], path[1200];
    int status = measure(s, &in);
    if (status == 0 && viz_sweep_write(s->out, &s->q.o, &in, s->runs, s->nruns, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk sweep: %s\n", err);
        status = -1;
    }
    if (status == 0 && !s->q.quiet) {
        snprintf(path, sizeof path, "%s/%s", s->out, SWEEP_PAGE);
        cli_wrote("sweep", path, "%d runs side by side: open it in a browser", s->nruns);
    }
    viz_sweep_inputs_free(&in);
    return status;
}

/* One run per (beta, ramp) pair, except that beta 0 trains once: a ramp
 * from 0 to 0 changes nothing, so its other ramps would repeat it bit for
 * bit. */
static int make_runs(sweep *s) {
    if (!(s->runs = calloc((size_t)s->grid.nbeta * s->grid.nanneal, sizeof *s->runs))) {
        fprintf(stderr, "vae-vk sweep: out of memory for the runs\n");
        return -1;
    }
    s->nruns = 0;
    for (int b = 0; b < s->grid.nbeta; b++)
        for (int a = 0; a < (s->grid.beta[b] == 0 ? 1 : s->grid.nanneal); a++) {
            viz_sweep_run *r = &s->runs[s->nruns++];
            r->beta = s->grid.beta[b];
            r->anneal = s->grid.beta[b] == 0 ? 0 : s->grid.anneal[a];
            snprintf(r->name, sizeof r->name, "beta-%g_anneal-%g", (double)r->beta, (double)r->anneal);
        }
    return 0;
}

/* A new sweep that failed before any run saved a checkpoint leaves
 * nothing behind, so a retry may change its settings. */
static void forget_if_empty(const sweep *s) {
    char path[1300];
    for (int k = 0; k < s->nruns; k++) {
        snprintf(path, sizeof path, "%s/%s/%s", s->out, s->runs[k].name, RUN_CHECKPOINT);
        if (file_exists(path))
            return;
    }
    snprintf(path, sizeof path, "%s/%s", s->out, SWEEP_SETTINGS);
    remove(path);
}

int cmd_sweep(int argc, char **argv) {
    sweep s = {0};
    train_request_init(&s.q);
    int status = parse(&s, argc, argv);
    if (status != 0)
        return status > 0 ? 0 : 2;
    char err[600], path[1200], betas[200], anneals[200];
    run_claim claim = {.fd = -1};
    int existing = 0;
    snprintf(path, sizeof path, "%s/%s", s.out, RUN_CHECKPOINT);
    if (file_exists(path)) {
        fprintf(stderr, "vae-vk sweep: %s is a training run, not a sweep: choose another --out\n", s.out);
        return 1;
    }
    if (run_dir_claim(&claim, s.out, 0, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk sweep: %s\n", err);
        return 1;
    }
    status = 1;
    if (sweep_settings_reconcile(s.out, &s.q, &s.grid, s.beta_text != NULL, s.anneal_text != NULL, &existing) != 0 ||
        make_runs(&s) != 0)
        goto done;
    sweep_list_format(s.grid.beta, s.grid.nbeta, betas, sizeof betas);
    sweep_list_format(s.grid.anneal, s.grid.nanneal, anneals, sizeof anneals);
    if (!s.q.quiet)
        fprintf(stderr, "vae-vk sweep: %s %d runs in %s: beta %s x anneal epochs %s\n",
                existing ? "continuing" : "starting", s.nruns, s.out, betas, anneals);
    for (int k = 0; k < s.nruns; k++)
        if ((status = train_one(&s, k)) != 0)
            goto done;
    status = write_page(&s) == 0 ? 0 : 1;
done:
    if (status != 0 && !existing)
        forget_if_empty(&s);
    for (int k = 0; s.runs && k < s.nruns; k++)
        viz_sweep_run_free(&s.runs[k]);
    free(s.runs);
    run_dir_release(&claim, status != 0 && !existing);
    return status;
}
