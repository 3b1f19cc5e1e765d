/* vae-vk train: the training loop, its log, checkpoints and sample grids. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/device.h"
#include "cli/faces.h"
#include "cli/progress.h"
#include "cli/run_dir.h"
#include "cli/data_open.h"
#include "cli/train_data.h"
#include "cli/train_request.h"
#include "cli/train_session.h"
#include "cli/wrote.h"
#include "io/file_write.h"
#include "vaevk/checkpoint.h"
#include "vaevk/dataset.h"
#include "vaevk/train.h"
#include "vaevk/train_options.h"
#include "viz/report.h"

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

typedef struct {
    vae_train_options o;
    vae_train_progress progress;
    const char *out, *resume;
    cli_device device;       /* as given */
    vae_device dev;          /* as opened: for a resumed run, the run's own unless given */
    vae_precision precision; /* the products' (--precision, or the run's own, or the device's best) */
    int quiet;
    int seen[TRAIN_MAX_OPTIONS]; /* the training options given (train_request.given) */
    float *params, *m, *v;   /* host copies for checkpoints */
    run_claim claim;         /* the run directory, held from start to end */
    long saved_step;         /* the step of the last checkpoint written (-1: none) */
    vae_trainer trainer;
    train_data data;
    FILE *log;
    train_session session;   /* this process's row of sessions.csv, from the first step */
    int session_open;
    double loop_start;       /* when this process's training loop began */
    long first_step;         /* the step it began at */
    double epoch_end_seconds; /* spent on epoch ends (grid, validation, checkpoint) so far */
    int epoch_ends;
} train_run;

/* The final samples and the report cost about as much as this many
 * training steps (measured: vae-vk report took 2.1 s of the full model on
 * the CPU backend, where a step takes 0.27 s; the model's analysis, added
 * since, about doubled its CPU time, 2.3 s to 4.2-5 s on a busy machine). */
#define FINISH_STEPS 15

static const char usage[] =
    "[--out RUN_DIR | --resume RUN_DIR] [--device cpu|reference|N] [--epochs N] [--steps N] [--batch N] ...\n"
    "Trains the VAE; RUN_DIR gets checkpoint.safetensors, log.csv and a sample grid per epoch.";

/* Every training option from vaevk/train_options.h, then train's own. */
static int parse(train_request *q, int argc, char **argv) {
    char resume_help[200] = "continue the run in this directory; only";
    for (int i = 0; i < vae_train_option_count; i++)
        if (vae_train_option_table[i].resumable)
            snprintf(resume_help + strlen(resume_help), sizeof resume_help - strlen(resume_help), " --%s",
                     vae_train_option_table[i].flag);
    snprintf(resume_help + strlen(resume_help), sizeof resume_help - strlen(resume_help), " may change");
    const arg_spec own[] = {
        {"out", ARG_STRING, &q->out, 1, 0, "run directory to create (default runs/train)", 0},
        {"resume", ARG_STRING, &q->resume, 1, 0, resume_help, 0},
        CLI_DEVICE_SPECS(&q->device),
        {"quiet", ARG_FLAG, &q->quiet, 1, 0, "no progress output", 0},
    };
    int status = train_request_parse(q, "train", usage, NULL, own, (int)(sizeof own / sizeof own[0]), argc, argv);
    if (status != 0)
        return status;
    if (q->out && q->resume) {
        fprintf(stderr, "vae-vk train: give --out or --resume, not both\n");
        return -1;
    }
    for (int i = 0; i < vae_train_option_count; i++)
        if (q->resume && q->given[i] && !vae_train_option_table[i].resumable) {
            /* the architecture, data and optimiser come from the checkpoint */
            fprintf(stderr, "vae-vk train: --%s cannot change when resuming: it is fixed by the run's "
                            "checkpoint\n", vae_train_option_table[i].flag);
            return -1;
        }
    return 0;
}

/* One line on what went wrong, ending with where the last good state is. */
static int fail_keeping(const train_run *r, const char *dir, const char *what) {
    if (r->saved_step >= 0)
        fprintf(stderr, "vae-vk train: %s; the checkpoint in %s (step %ld) is kept: --resume %s continues "
                        "from it\n", what, dir, r->saved_step, dir);
    else
        fprintf(stderr, "vae-vk train: %s; no checkpoint was saved\n", what);
    return -1;
}

/* Training diverged: nothing of it is saved, and the way on is a lower
 * learning rate (a tenth, as a start). */
static int diverged(const train_run *r, const char *dir, long step, const char *what) {
    char lower[32];
    snprintf(lower, sizeof lower, "%g", r->o.lr / 10);
    if (r->saved_step >= 0)
        fprintf(stderr, "vae-vk train: %s at step %ld: training diverged; the checkpoint in %s (step %ld) is "
                        "kept: continue it with a lower rate, --resume %s --lr %s\n",
                what, step, dir, r->saved_step, dir, lower);
    else
        fprintf(stderr, "vae-vk train: %s at step %ld: training diverged before any checkpoint was saved: "
                        "start again with a lower rate (--lr %s)\n", what, step, lower);
    return -1;
}

static int save(train_run *r, const char *dir) {
    char path[1100], err[600];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_CHECKPOINT);
    if (vae_trainer_get_state(&r->trainer, r->params, r->m, r->v) != 0) {
        fprintf(stderr, "vae-vk train: reading the model back failed: %s\n", r->trainer.be->error);
        return -1;
    }
    const size_t n = r->trainer.lay.table.total;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(r->params[i]) || !isfinite(r->m[i]) || !isfinite(r->v[i]))
            return diverged(r, dir, r->progress.step, "a parameter is not finite");
    if (fflush(r->log) != 0 || ferror(r->log)) {
        int e = errno;
        snprintf(err, sizeof err, "cannot write %s/%s: %s%s", dir, RUN_LOG, strerror(e), file_write_hint(e));
        return fail_keeping(r, dir, err);
    }
    r->progress.precision = r->precision;
    if (r->precision == VAE_PRECISION_MIXED && vae_trainer_get_loss_scaler(&r->trainer, &r->progress.scaler) != 0) {
        fprintf(stderr, "vae-vk train: reading the loss scale back failed: %s\n", r->trainer.be->error);
        return -1;
    }
    if (vae_checkpoint_save(path, &r->o, &r->progress, &r->trainer.lay.table, r->params, r->m,
                            r->v, err, sizeof err) != 0)
        return fail_keeping(r, dir, err);
    r->saved_step = r->progress.step;
    if (r->session_open && train_session_save(&r->session, r->progress.step, err, sizeof err) != 0)
        return fail_keeping(r, dir, err);
    return 0;
}

static int epoch_grid(train_run *r, const char *dir, int epoch) {
    char path[1100], err[600];
    snprintf(path, sizeof path, "%s/samples_epoch_%03d.png", dir, epoch);
    int n = r->o.batch < 64 ? r->o.batch : 64;
    if (write_sample_grid(&r->trainer, r->o.seed, 1.0f, n, 8, 1, path, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    return 0;
}

/* Claims the run directory for this process, then: a fresh run refuses
 * to overwrite one; a resumed run takes everything from its checkpoint.
 * Leaves r->params (and moments when resuming) filled. */
static int prepare_state(train_run *r, const char **dir) {
    char err[600], path[1100];
    if (r->resume) {
        struct stat st;
        if (stat(r->resume, &st) == 0 && !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "vae-vk train: --resume %s is a file: give the run directory that "
                            "holds %s\n", r->resume, RUN_CHECKPOINT);
            return -1;
        }
        snprintf(path, sizeof path, "%s/%s", r->resume, RUN_CHECKPOINT);
        vae_checkpoint ck;
        if ((file_exists(path) && run_dir_claim(&r->claim, r->resume, 1, err, sizeof err) != 0) ||
            vae_checkpoint_load(r->resume, &ck, err, sizeof err) != 0) {
            fprintf(stderr, "vae-vk train: cannot resume: %s\n", err);
            return -1;
        }
        vae_train_options given = r->o;
        r->o = ck.options;
        /* the options a resumed run may change, where the command line gave them */
        for (int i = 0; i < vae_train_option_count; i++) {
            const vae_train_option *opt = &vae_train_option_table[i];
            if (r->seen[i] && opt->resumable)
                vae_train_option_copy(opt, &r->o, &given);
        }
        r->progress = ck.progress;
        r->params = ck.params;
        r->m = ck.adam_m;
        r->v = ck.adam_v;
        r->saved_step = ck.progress.step;
        *dir = r->resume;
        return 0;
    }
    *dir = r->out ? r->out : "runs/train";
    if (run_dir_claim(&r->claim, *dir, 0, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", *dir, RUN_CHECKPOINT);
    if (file_exists(path)) {
        fprintf(stderr, "vae-vk train: %s already holds a run: continue it with --resume %s, or "
                        "choose another --out\n", *dir, *dir);
        return -1;
    }
    if (vae_config_check(&r->o.model, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    return 0;
}

static int alloc_host_state(train_run *r) {
    const size_t n = r->trainer.lay.table.total;
    if (!r->params) {
        r->params = calloc(n, sizeof(float));
        if (r->params)
            vae_params_init(r->params, &r->trainer.lay.table, r->o.seed);
    }
    if (!r->m)
        r->m = calloc(n, sizeof(float));
    if (!r->v)
        r->v = calloc(n, sizeof(float));
    if (!r->params || !r->m || !r->v) {
        fprintf(stderr, "vae-vk train: out of memory for the model's host copy\n");
        return -1;
    }
    return 0;
}

static long total_steps(const train_run *r) {
    long total = (long)r->o.epochs * r->progress.steps_per_epoch;
    if (r->o.max_steps > 0 && r->o.max_steps < total)
        total = r->o.max_steps;
    return total;
}

/* Epoch ends from the current step to the end of the run: each has a
 * validation pass and a sample grid (the last also when it ends mid-epoch). */
static long epoch_ends_left(const train_run *r) {
    long total = total_steps(r), spe = r->progress.steps_per_epoch;
    return total / spe + (total % spe != 0) - r->progress.step / spe;
}

/* Seconds to the end of the whole run: the steps to go at this process's
 * rate, the epoch ends to go at their measured cost (before the first, a
 * validation pass at a third of a step per batch: a forward pass without
 * the backward and Adam), then the final samples and report. -1 before
 * the first step. */
static double seconds_left(const train_run *r) {
    long done = r->progress.step - r->first_step;
    if (done <= 0)
        return -1;
    double step_s = (now_seconds() - r->loop_start - r->epoch_end_seconds) / (double)done;
    double end_s = r->epoch_ends > 0 ? r->epoch_end_seconds / r->epoch_ends
                                     : (double)r->data.split.nval / r->o.batch * step_s / 3;
    return (double)(total_steps(r) - r->progress.step + FINISH_STEPS) * step_s +
           (double)epoch_ends_left(r) * end_s;
}

static void show_step(train_run *r, progress *pg, const vae_step_out *out, float beta,
                      double images_per_s, int force) {
    char epoch[32], step[48], loss[32], terms[64], b[32], rate[32];
    snprintf(epoch, sizeof epoch, "epoch %ld/%d", (r->progress.step - 1) / r->progress.steps_per_epoch + 1,
             r->o.epochs);
    snprintf(step, sizeof step, "step %ld/%ld", r->progress.step, total_steps(r));
    snprintf(loss, sizeof loss, "loss %.2f", out->loss);
    snprintf(terms, sizeof terms, "(recon %.2f, kl %.2f)", out->recon, out->kl);
    snprintf(b, sizeof b, "beta %.3f", beta);
    snprintf(rate, sizeof rate, "%.0f img/s", images_per_s);
    /* ranks: what is dropped first in a narrow terminal is the highest */
    const progress_field fields[] = {{epoch, 3}, {step, 0}, {loss, 2}, {terms, 6}, {b, 5}, {rate, 5}};
    progress_show(pg, fields, (int)(sizeof fields / sizeof fields[0]), seconds_left(r), force);
}

/* Whether the state after step k (0-based) must be seen whole: a
 * checkpoint, an epoch's grid and validation, or the end. No later step may
 * be in flight then. Checkpoints fall on multiples of checkpoint_every. */
static int boundary_after(const train_run *r, long k) {
    long done = k + 1;
    return done % r->progress.steps_per_epoch == 0 || done == total_steps(r) ||
           done % r->o.checkpoint_every == 0;
}

/* Submits steps until VAE_IO_SLOTS are in flight, stopping after a step whose
 * state must be seen whole: the device runs one step while the host logs the
 * previous one and the loader assembles the next. */
static int fill_pipeline(train_run *r, long *next) {
    vae_trainer *t = &r->trainer;
    while (*next < total_steps(r) && !stop_requested && t->in_flight < VAE_IO_SLOTS &&
           !(t->in_flight > 0 && boundary_after(r, *next - 1))) {
        float beta = vae_beta_at(&r->o, *next, r->progress.steps_per_epoch);
        if (train_data_submit(&r->data, t, *next, beta) != 0)
            return -1;
        (*next)++;
    }
    return 0;
}

/* After a boundary step: at an epoch's end its sample grid and the
 * validation loss, then the checkpoint. In that order, a process killed in
 * between resumes from the previous checkpoint and draws them again; the
 * other way round, they would be missing from the run for good. */
static int at_boundary(train_run *r, const char *dir, progress *pg, long epoch, float beta) {
    const long spe = r->progress.steps_per_epoch;
    int epoch_done = r->progress.step % spe == 0, last = r->progress.step == total_steps(r);
    int status = 0;
    double t0 = now_seconds();
    if (epoch_done)
        status = epoch_grid(r, dir, (int)epoch + 1);
    if (status == 0 && (epoch_done || last)) {
        progress_end(pg);
        status = train_data_validate(&r->data, &r->trainer, r->progress.step, spe, beta, r->quiet);
    }
    fflush(r->log);
    status = status == 0 ? save(r, dir) : status;
    if (epoch_done || last) {
        r->epoch_end_seconds += now_seconds() - t0;
        r->epoch_ends++;
    }
    return status;
}

/* The loop: one step per batch, pipelined; a log row per step, a checkpoint
 * every checkpoint_every steps and at every epoch's end with a sample grid. */
static int train_loop(train_run *r, const char *dir) {
    const long spe = r->progress.steps_per_epoch, total = total_steps(r);
    progress pg;
    progress_init(&pg, r->quiet);
    long next = r->progress.step, first_step = r->progress.step;
    progress_resume(&pg, first_step);
    int status = 0;
    double t0 = now_seconds();
    r->loop_start = t0;
    r->first_step = first_step;
    while (status == 0) {
        status = fill_pipeline(r, &next);
        if (status != 0 || r->trainer.in_flight == 0)
            break;
        long step = r->progress.step, epoch = step / spe;
        float beta = vae_beta_at(&r->o, step, spe);
        vae_step_out out;
        if (vae_trainer_collect(&r->trainer, &out) != 0) {
            progress_end(&pg);
            fprintf(stderr, "vae-vk train: step %ld failed: %s\n", step, r->trainer.be->error);
            status = -1;
            break;
        }
        double ips = (double)(step + 1 - first_step) * r->o.batch / (now_seconds() - t0);
        const int mixed = r->precision == VAE_PRECISION_MIXED;
        fprintf(r->log, "%ld,%ld,%.6g,%.6g,%.6g,%.6g,%.1f,%.9g,%u\n", step, epoch, beta, out.loss, out.recon,
                out.kl, ips, mixed ? (double)out.loss_scale : 1.0, mixed ? out.skipped : r->progress.scaler.skipped);
        if (!isfinite(out.loss) || !isfinite(out.recon) || !isfinite(out.kl)) {
            progress_end(&pg);
            char what[160], terms[3][24];
            const float term[3] = {out.loss, out.recon, out.kl};
            for (int i = 0; i < 3; i++)
                snprintf(terms[i], sizeof terms[i], isnan(term[i]) ? "NaN" : "%g", (double)term[i]);
            snprintf(what, sizeof what, "the loss is %s (recon %s, kl %s)", terms[0], terms[1], terms[2]);
            fflush(r->log);
            status = diverged(r, dir, step, what);
            break;
        }
        r->progress.step = step + 1;
        r->progress.epoch = (int)(r->progress.step / spe);
        show_step(r, &pg, &out, beta, ips, r->progress.step % spe == 0 || r->progress.step == total);
        if (boundary_after(r, step))
            status = at_boundary(r, dir, &pg, epoch, beta);
    }
    progress_end(&pg);
    if (status == 0 && stop_requested) {
        fflush(r->log);
        status = save(r, dir);
        fprintf(stderr, "vae-vk train: interrupted at step %ld; saved. Continue with --resume %s\n",
                r->progress.step, dir);
        status = status ? status : 130;
    }
    return status;
}

/* The device: --device and --threads when given; else, resuming, the one
 * the run last trained on (sessions.csv); else the default. */
static vae_backend *open_device(train_run *r, const char *dir) {
    char err[600];
    if (cli_device_parse("train", &r->device, &r->dev) != 0)
        return NULL;
    int own = 0;
    if (r->resume && !r->device.device && !r->device.threads) {
        int found = train_session_last_device(dir, &r->dev, err, sizeof err);
        if (found < 0) {
            fprintf(stderr, "vae-vk train: %s\n", err);
            return NULL;
        }
        own = found == 0;
    }
    r->dev = vae_device_resolve(r->dev);
    vae_backend *be = vae_device_open(r->dev, err, sizeof err);
    if (!be) {
        fprintf(stderr, "vae-vk train: %s%s\n", err,
                own ? " (the device this run trained on: --device chooses another)" : "");
        return NULL;
    }
    if (!r->quiet)
        fprintf(stderr, "vae-vk train: device: %s%s\n", be->name, own ? " (the run's own)" : "");
    /* a resumed mixed run stays mixed where the device can, unless told */
    int own_precision = r->resume && !r->device.precision && r->progress.precision == VAE_PRECISION_MIXED &&
                        be->mixed != VAE_MIXED_NONE;
    if (own_precision)
        r->precision = VAE_PRECISION_MIXED;
    else if (cli_choose_precision("train", &r->device, be, &r->precision) != 0) {
        be->vt->destroy(be);
        return NULL;
    }
    if (!r->quiet)
        fprintf(stderr, "vae-vk train: precision: %s%s\n", cli_precision_phrase(r->precision, be),
                own_precision ? " (the run's own)" : "");
    return be;
}

/* The loss scaler to start from: a resumed mixed run's own; a fresh S for
 * a run turning mixed; 1 in fp32. The count of skipped steps carries on. */
static int start_loss_scaler(train_run *r) {
    vae_loss_scaler s = {.scale = 1.0f, .skipped = r->progress.scaler.skipped};
    if (r->precision == VAE_PRECISION_MIXED)
        s.scale = VAE_LOSS_SCALE_INITIAL;
    if (r->precision == VAE_PRECISION_MIXED && r->progress.precision == VAE_PRECISION_MIXED)
        s = r->progress.scaler;
    if (vae_trainer_set_loss_scaler(&r->trainer, &s) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", r->trainer.be->error);
        return -1;
    }
    r->progress.scaler = s;
    return 0;
}

/* The whole configuration, in a few lines, before the first step. */
static void say_plan(const train_run *r, const char *dir) {
    const vae_train_options *o = &r->o;
    const train_data *d = &r->data;
    char channels[64];
    vae_channels_format(o->model.channels, channels, sizeof channels);
    fprintf(stderr, "vae-vk train: model: channels %s, latent %d, %.2fM float32 params\n", channels,
            o->model.latent, r->trainer.lay.table.count / 1e6);
    if (d->ds->unbounded) /* validation faces are drawn past the training set's */
        fprintf(stderr, "vae-vk train: data: %s, and %ld more for validation\n", d->ds->description,
                d->split.nval);
    else
        fprintf(stderr, "vae-vk train: data: %s: %ld to train on, %ld for validation\n", d->ds->description,
                d->split.ntrain, d->split.nval);
    fprintf(stderr, "vae-vk train: batches: %s\n", d->placement);
    char cap[64] = "";
    if (o->max_steps > 0 && o->max_steps < (long)o->epochs * r->progress.steps_per_epoch)
        snprintf(cap, sizeof cap, ", stopping at step %ld", o->max_steps);
    fprintf(stderr, "vae-vk train: schedule: %d epochs of %ld steps (batch %d)%s, Adam lr %g\n", o->epochs,
            r->progress.steps_per_epoch, o->batch, cap, (double)o->lr);
    if (o->anneal_epochs > 0)
        fprintf(stderr, "vae-vk train: beta (the KL weight): 0 -> %g over the first %g epochs\n",
                (double)o->beta_max, (double)o->anneal_epochs);
    else
        fprintf(stderr, "vae-vk train: beta (the KL weight): %g from the first step\n", (double)o->beta_max);
    if (r->progress.step > 0)
        fprintf(stderr, "vae-vk train: resuming %s at step %ld of %ld\n", dir, r->progress.step, total_steps(r));
    fprintf(stderr, "vae-vk train: saving to %s every epoch, every %ld steps and on Ctrl-C\n", dir,
            o->checkpoint_every);
}

/* After the last step: new faces from the final model and the report,
 * then where everything is. A report that fails is a warning: the training
 * itself succeeded. */
static int finish(train_run *r, const char *dir, double started) {
    char path[1100], err[600];
    if (!r->quiet)
        fprintf(stderr, "vae-vk train: drawing the final samples and the report\n");
    snprintf(path, sizeof path, "%s/%s", dir, RUN_SAMPLES);
    int n = r->o.batch < 64 ? r->o.batch : 64;
    if (write_sample_grid(&r->trainer, r->o.seed, 1.0f, n, 8, 2, path, err, sizeof err) != 0)
        return fail_keeping(r, dir, err);
    fflush(r->log);
    int report = viz_report_write(dir, &r->trainer, &r->o, &r->progress, err, sizeof err);
    if (report != 0)
        fprintf(stderr, "vae-vk train: warning: no report.html: %s\n", err);
    if (r->quiet)
        return 0;
    char took[32], waited[96] = "";
    format_duration(now_seconds() - started, took, sizeof took);
    snprintf(waited, sizeof waited, " (%.1f s waiting for data)", train_data_wait_seconds(&r->data));
    /* the last validation loss is on the epoch line just above */
    fprintf(stderr, "vae-vk train: done: step %ld of %ld in %s%s", r->progress.step, total_steps(r), took, waited);
    if (r->precision == VAE_PRECISION_MIXED)
        fprintf(stderr, "; loss scale %g, %u steps skipped for inf/NaN gradients", (double)r->progress.scaler.scale,
                r->progress.scaler.skipped);
    fputc('\n', stderr);
    snprintf(path, sizeof path, "%s/%s", dir, RUN_CHECKPOINT);
    cli_wrote("train", path, "the trained model");
    snprintf(path, sizeof path, "%s/%s", dir, RUN_SAMPLES);
    cli_wrote("train", path, "%d new faces", n);
    if (report == 0) {
        snprintf(path, sizeof path, "%s/%s", dir, REPORT_FILE);
        cli_wrote("train", path, "open it in a browser");
    }
    return 0;
}

static int open_data(train_run *r, const char *dir) {
    if (train_data_open(&r->data, &r->o, dir, r->quiet) != 0)
        return -1;
    long spe = r->data.split.ntrain / r->o.batch;
    if (r->resume && r->progress.steps_per_epoch != spe) {
        fprintf(stderr, "vae-vk train: the dataset now gives %ld steps per epoch, the run had %ld: "
                        "resume with the same data\n", spe, r->progress.steps_per_epoch);
        return -1;
    }
    r->progress.steps_per_epoch = spe;
    return 0;
}

int cmd_train(int argc, char **argv) {
    train_request q;
    train_request_init(&q);
    int status = parse(&q, argc, argv);
    if (status != 0)
        return status > 0 ? 0 : 2;
    return train_request_run(&q);
}

int train_request_run(const train_request *q) {
    train_run r;
    memset(&r, 0, sizeof r);
    r.claim.fd = -1;
    r.saved_step = -1;
    r.o = q->o;
    memcpy(r.seen, q->given, sizeof r.seen);
    r.out = q->out;
    r.resume = q->resume;
    r.device = q->device;
    r.quiet = q->quiet;
    stop_requested = 0;
    int status = 0;
    const char *dir = NULL;
    char err[600];
    vae_backend *be = NULL;
    int started = 0; /* the training loop ran: the run directory stays whatever happens */
    double start_time = now_seconds();
    /* a bad --device or batch removes the run directory it made (run_dir_release) */
    if (prepare_state(&r, &dir) != 0 || !(be = open_device(&r, dir)))
        goto fail;
    if (vae_trainer_init(&r.trainer, be, &r.o.model, r.o.batch, r.o.seed, r.o.lr, r.o.flip, r.precision) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", be->error);
        goto fail;
    }
    if (open_data(&r, dir) != 0)
        goto fail;
    if (r.progress.step >= total_steps(&r)) {
        fprintf(stderr, "vae-vk train: %s is already at step %ld of %ld: nothing to do (raise "
                        "--steps or --epochs to train further)\n", dir, r.progress.step,
                total_steps(&r));
        status = 0;
        goto done;
    }
    if (alloc_host_state(&r) != 0 || train_data_hold(&r.data, &r.trainer, r.quiet) != 0)
        goto fail;
    if (vae_trainer_set_state(&r.trainer, r.params, r.m, r.v) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", be->error);
        goto fail;
    }
    if (start_loss_scaler(&r) != 0)
        goto fail;
    char log_path[1100];
    snprintf(log_path, sizeof log_path, "%s/%s", dir, RUN_LOG);
    const run_csv_older before_mixed = {7, ",1,0"}; /* logs from before mixed precision: fp32 */
    if (run_csv_open(log_path, RUN_LOG_HEADER, RUN_LOG_FIELDS, 0, r.progress.step, &before_mixed, &r.log, err,
                     sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        goto fail;
    }
    if (train_data_start(&r.data, &r.o, dir, r.progress.step) != 0)
        goto fail;
    if (!r.quiet)
        say_plan(&r, dir);
    if (train_session_begin(&r.session, dir, r.progress.step, &r.dev, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        goto fail;
    }
    r.session_open = 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    started = 1;
    status = train_loop(&r, dir);
    if (status < 0)
        status = 1; /* the loop has said why; -1 would exit with 255 */
    if (status == 0 && finish(&r, dir, start_time) != 0)
        status = 1;
    goto done;
fail:
    status = 1;
done:
    if (r.log && fclose(r.log) != 0 && status == 0) {
        fprintf(stderr, "vae-vk train: cannot write %s/%s: %s%s\n", dir, RUN_LOG, strerror(errno),
                file_write_hint(errno));
        status = 1;
    }
    vae_trainer_free(&r.trainer);
    if (be)
        be->vt->destroy(be);
    train_data_close(&r.data);
    train_session_free(&r.session);
    free(r.params);
    free(r.m);
    free(r.v);
    run_dir_release(&r.claim, status != 0 && !started);
    /* Ctrl-C after this run ends stops the caller (a sweep) at once */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    return status;
}
