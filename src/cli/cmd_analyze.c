/* vae-vk analyze: the analysis of one trained model on held-out images
 * (viz/analysis.h), as a table or as JSON. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/data_open.h"
#include "cli/device.h"
#include "cli/model_load.h"
#include "cli/progress.h"
#include "viz/analysis.h"

static const char usage[] =
    "--checkpoint CKPT [--n 512] [--samples 2] [--repeats 3] [--k 1,8,64] [--json]\n"
    "Analyses a trained model on held-out images (synthetic faces past the training\n"
    "set, else the run's validation split), in nats:\n"
    "  the KL term, decomposed: E[KL(q(z|x) || p)] (closed form, the loss's term) =\n"
    "    I(x;z) + KL(q(z) || p), estimated from --samples draws of z from each q(z|x),\n"
    "    --repeats times: I = mean[log q(z|x) - log q(z)], KL(q(z) || p) =\n"
    "    mean[log q(z) - log p(z)], log q(z) a log-sum-exp over the N images' Gaussians\n"
    "    (so I <= log N); their sum must match the closed form within 3 standard errors;\n"
    "  active units: dimensions whose mu varies over the images by more than 0.01;\n"
    "  the ELBO and the importance-weighted bounds IWAE_k of log p(x) under the\n"
    "    Gaussian decoder N(x_hat, 0.5 I): -log p(x|z) = squared error + 7033.2,\n"
    "    every k from the same largest-k draws in groups (the largest k, one group\n"
    "    per image, has no standard error);\n"
    "  the prior holes: KL(p || q(z)) over --holes draws z ~ N(0, I).";

typedef struct {
    progress *bar;
    const char *stage;
    double stage_start;
} stage_progress;

/* The time left is the current stage's, at its own rate. */
static void on_progress(void *ctx, const char *what, long done, long total) {
    stage_progress *s = ctx;
    if (s->stage != what) {
        s->stage = what;
        s->stage_start = now_seconds();
    }
    char text[160];
    snprintf(text, sizeof text, "%s %ld/%ld", what, done, total);
    double spent = now_seconds() - s->stage_start;
    progress_field f = {text, 0};
    progress_show(s->bar, &f, 1, done > 0 ? spent / done * (total - done) : -1, done == total);
}

static int parse_k(const char *text, viz_analysis_options *o) {
    char err[200];
    o->nk = 0;
    for (const char *p = text; *p;) {
        char *end;
        long k = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || o->nk >= VIZ_IWAE_MAX_K) {
            fprintf(stderr, "vae-vk analyze: --k '%s' must be up to %d numbers separated by "
                    "commas, such as 1,8,64\n", text, VIZ_IWAE_MAX_K);
            return -1;
        }
        o->k[o->nk++] = k < 0 || k > 1 << 20 ? -1 : (int)k;
        p = *end ? end + 1 : end;
    }
    if (viz_iwae_check_k(o->k, o->nk, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk analyze: --k '%s': %s\n", text, err);
        return -1;
    }
    return 0;
}

/* "label   12.345 ± 0.012  spread 0.01", without what is not known. */
static void print_mc(const char *label, double mean, double se, double spread) {
    char line[200];
    int len = snprintf(line, sizeof line, "  %-40s %10.3f", label, mean);
    if (isfinite(se))
        len += snprintf(line + len, sizeof line - (size_t)len, " ± %-8.2g", se);
    if (isfinite(spread))
        len += snprintf(line + len, sizeof line - (size_t)len, "  spread %.2g", spread);
    while (len > 0 && line[len - 1] == ' ')
        line[--len] = '\0';
    printf("%s\n", line);
}

static void print_table(const viz_analysis *a, const char *data) {
    const viz_kl_split *s = &a->kl;
    const viz_iwae *w = &a->iwae;
    const viz_holes *h = &a->holes;
    char label[80];
    printf("%d %s of %s, latent %d; nats, mean ± standard error\n\n", a->n,
           a->held_out ? "held-out images" : "training images (too few held out)", data, a->L);
    printf("The KL term, decomposed (%d draws per image, %d repeats; spread = std of the repeats)\n",
           s->samples, s->repeats);
    print_mc("E[KL(q(z|x) || p)], closed form", s->kl, NAN, NAN);
    snprintf(label, sizeof label, "I(x;z), at most log N = %.3f", s->log_n);
    print_mc(label, s->mi.mean, s->mi.se, s->mi.spread);
    print_mc("KL(q(z) || p)", s->agg_kl.mean, s->agg_kl.se, s->agg_kl.spread);
    print_mc("sum", s->sum.mean, s->sum.se, s->sum.spread);
    printf("  sum - closed form: %.3g nats, %.1f standard errors: the identity %s\n\n",
           s->sum.mean - s->kl, (s->sum.mean - s->kl) / s->sum.se,
           viz_kl_identity_holds(s) ? "holds (within 3)" : "does NOT hold (more than 3)");
    if (s->mi.mean > 0.99 * s->log_n)
        printf("  I is at its ceiling log N: the posteriors hardly overlap; with more images\n"
               "  (--n) it could grow, and KL(q(z) || p) shrink by as much\n\n");
    printf("Active units: %d of %d (variance over the images of mu > %g)\n\n", a->active, a->L,
           VIZ_ACTIVE_VAR);
    printf("Likelihood of %d images, nats per image (decoder N(x_hat, %g I): -log p(x|z) = "
           "squared error + %.1f)\n", w->n, VIZ_DECODER_VAR, w->log_px_const);
    printf("  %-40s %10.3f\n  %-40s %10.3f\n", "squared error (the loss's recon)", w->recon,
           "KL (the loss's KL)", w->kl);
    print_mc("ELBO", w->elbo, w->elbo_se, NAN);
    for (int j = 0; j < w->nk; j++) {
        snprintf(label, sizeof label, "IWAE k=%d (ELBO %+.3f)", w->k[j], w->bound[j] - w->elbo);
        print_mc(label, w->bound[j], w->bound_se[j], NAN);
    }
    printf("\nPrior holes: %d draws z ~ N(0, I), log q(z) from %.1f to %.1f\n", h->count,
           h->log_q[h->order[h->count - 1]], h->log_q[h->order[0]]);
    print_mc("KL(p || q(z)) = mean[log p(z) - log q(z)]", h->kl_pq, h->kl_pq_se, NAN);
}

/* A number, or null when it is not one (JSON has no NaN). */
static json_object *num(double v) { return isfinite(v) ? json_object_new_double(v) : NULL; }

static json_object *mc(double mean, double se, double spread) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "mean", num(mean));
    json_object_object_add(o, "se", num(se));
    json_object_object_add(o, "spread", num(spread));
    return o;
}

static void print_json(const viz_analysis *a, const char *checkpoint, const char *data) {
    const viz_kl_split *s = &a->kl;
    const viz_iwae *w = &a->iwae;
    const viz_holes *h = &a->holes;
    json_object *root = json_object_new_object(), *kl = json_object_new_object();
    json_object_object_add(root, "checkpoint", json_object_new_string(checkpoint));
    json_object_object_add(root, "data", json_object_new_string(data));
    json_object_object_add(root, "images", json_object_new_int(a->n));
    json_object_object_add(root, "held_out", json_object_new_boolean(a->held_out));
    json_object_object_add(root, "latent", json_object_new_int(a->L));
    json_object_object_add(kl, "samples", json_object_new_int(s->samples));
    json_object_object_add(kl, "repeats", json_object_new_int(s->repeats));
    json_object_object_add(kl, "closed_form", num(s->kl));
    json_object_object_add(kl, "mutual_information", mc(s->mi.mean, s->mi.se, s->mi.spread));
    json_object_object_add(kl, "log_n", num(s->log_n));
    json_object_object_add(kl, "aggregate_kl", mc(s->agg_kl.mean, s->agg_kl.se, s->agg_kl.spread));
    json_object_object_add(kl, "sum", mc(s->sum.mean, s->sum.se, s->sum.spread));
    json_object_object_add(kl, "difference", num(s->sum.mean - s->kl));
    json_object_object_add(kl, "identity_holds", json_object_new_boolean(viz_kl_identity_holds(s)));
    json_object_object_add(root, "kl", kl);

    json_object *active = json_object_new_object(), *var = json_object_new_array();
    json_object *kld = json_object_new_array();
    for (int d = 0; d < a->L; d++) {
        json_object_array_add(var, num(a->mu_var[d]));
        json_object_array_add(kld, num(a->kl_dim[d]));
    }
    json_object_object_add(active, "count", json_object_new_int(a->active));
    json_object_object_add(active, "threshold", num(VIZ_ACTIVE_VAR));
    json_object_object_add(active, "mu_variance", var);
    json_object_object_add(root, "active_units", active);
    json_object_object_add(root, "kl_per_dim", kld);

    json_object *lik = json_object_new_object(), *iw = json_object_new_array();
    json_object_object_add(lik, "images", json_object_new_int(w->n));
    json_object_object_add(lik, "draws", json_object_new_int(w->draws));
    json_object_object_add(lik, "decoder_variance", num(VIZ_DECODER_VAR));
    json_object_object_add(lik, "log_px_constant", num(w->log_px_const));
    json_object_object_add(lik, "recon", num(w->recon));
    json_object_object_add(lik, "kl", num(w->kl));
    json_object_object_add(lik, "elbo", mc(w->elbo, w->elbo_se, NAN));
    for (int j = 0; j < w->nk; j++) {
        json_object *b = mc(w->bound[j], w->bound_se[j], NAN);
        json_object_object_add(b, "k", json_object_new_int(w->k[j]));
        json_object_array_add(iw, b);
    }
    json_object_object_add(lik, "iwae", iw);
    json_object_object_add(root, "likelihood", lik);

    json_object *holes = json_object_new_object();
    json_object_object_add(holes, "draws", json_object_new_int(h->count));
    json_object_object_add(holes, "log_q_min", num(h->log_q[h->order[h->count - 1]]));
    json_object_object_add(holes, "log_q_max", num(h->log_q[h->order[0]]));
    json_object_object_add(holes, "kl_prior_aggregate", mc(h->kl_pq, h->kl_pq_se, NAN));
    json_object_object_add(root, "holes", holes);
    printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

int cmd_analyze(int argc, char **argv) {
    const char *checkpoint = NULL, *k_text = "1,8,64";
    cli_device device = {0};
    viz_analysis_options o;
    viz_analysis_defaults(&o);
    int json = 0, quiet = 0;
    arg_spec specs[] = {
        {"checkpoint", ARG_STRING, &checkpoint, 1, 0, "checkpoint file or run directory", 0},
        {"n", ARG_INT, &o.n, 2, 100000, "held-out images: the aggregate posterior's components (512)", 0},
        {"samples", ARG_INT, &o.samples, 1, 4096, "draws of z from each q(z|x) per repeat (2)", 0},
        {"repeats", ARG_INT, &o.repeats, 2, 1000, "repeats of the KL decomposition (3)", 0},
        {"k", ARG_STRING, &k_text, 1, 0, "importance samples of the bounds, each dividing the largest (1,8,64)", 0},
        {"iwae-images", ARG_INT, &o.iwae_images, 1, 100000, "images the bounds are averaged over (16)", 0},
        {"holes", ARG_INT, &o.holes, 2, 1000000, "prior draws scored for the holes (1024)", 0},
        {"seed", ARG_U64, &o.seed, 1, 0, "seed of the analysis's draws (1)", 0},
        {"json", ARG_FLAG, &json, 1, 0, "print JSON instead of the table", 0},
        CLI_DEVICE_SPECS(&device),
        {"quiet", ARG_FLAG, &quiet, 1, 0, "no progress or device line", 0},
    };
    int status = args_parse("analyze", usage, specs, (int)(sizeof specs / sizeof specs[0]), argc,
                            argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (!checkpoint) {
        fprintf(stderr, "vae-vk analyze: give the model: --checkpoint CKPT (a file or a run directory)\n");
        return 2;
    }
    if (parse_k(k_text, &o) != 0)
        return 2;
    loaded_model m;
    vae_dataset *ds = NULL;
    viz_analysis a = {0};
    char err[1024];
    status = 1;
    if (model_load(&m, "analyze", checkpoint, &device, 64, quiet) != 0)
        goto done;
    const vae_train_options *run = &m.ck.options;
    if (!(ds = cli_open_data("analyze", run->data, run->crop, NULL, run->synthetic_count,
                             run->seed, quiet)))
        goto done;
    progress bar;
    progress_init(&bar, quiet);
    stage_progress sp = {.bar = &bar};
    int rc = viz_analyze(&m.trainer, ds, run, &o, on_progress, &sp, &a, err, sizeof err);
    progress_end(&bar);
    if (rc != 0) {
        fprintf(stderr, "vae-vk analyze: %s\n", err);
        goto done;
    }
    if (json)
        print_json(&a, checkpoint, run->data);
    else
        print_table(&a, run->data);
    status = 0;
done:
    viz_analysis_free(&a);
    vae_dataset_close(ds);
    model_unload(&m);
    return status;
}
