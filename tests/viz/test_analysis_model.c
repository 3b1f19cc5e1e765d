/* The model's analysis on a tiny model trained here on the CPU backend:
 * the importance-weighted bounds rise with k and k = 1 matches the ELBO,
 * the closed-form KL is the loss's own (vae_trainer_evaluate), the whole
 * analysis with log q(z) on the backend keeps the identity, and
 * `vae-vk analyze` prints a table and JSON with every field, and refuses
 * bad input in one line. $VAEVK is the vae-vk to run. */
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/check.h"
#include "vaevk/checkpoint.h"
#include "vaevk/dataset.h"
#include "vaevk/device.h"
#include "viz/analysis.h"

#define L 8 /* the tiny model's latent size */
#define IMAGES 8
#define FACE (64 * 64 * 3)

static const char *vaevk;
static char dir[64];

/* Runs the shell command in the test directory, "$VAEVK <args>" with
 * run(); its exit status. */
static int shell_v(const char *prefix, const char *fmt, va_list ap) {
    char args[1500], cmd[2000];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s%s", dir, prefix, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int shell(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = shell_v("", fmt, ap);
    va_end(ap);
    return rc;
}

static int run(const char *fmt, ...) {
    char prefix[600];
    snprintf(prefix, sizeof prefix, "'%s' ", vaevk);
    va_list ap;
    va_start(ap, fmt);
    int rc = shell_v(prefix, fmt, ap);
    va_end(ap);
    return rc;
}

typedef struct {
    vae_checkpoint ck;
    vae_backend *be;
    vae_trainer t;
    vae_dataset *ds;
} model;

static int load(model *m) {
    char path[200], err[600];
    vae_device d;
    snprintf(path, sizeof path, "%s/run", dir);
    memset(m, 0, sizeof *m);
    const vae_train_options *o = &m->ck.options;
    if (vae_checkpoint_load(path, &m->ck, err, sizeof err) != 0 ||
        vae_device_parse("cpu", 1, &d, err, sizeof err) != 0 ||
        !(m->be = vae_device_open(d, err, sizeof err)) ||
        vae_trainer_init(&m->t, m->be, &o->model, 64, o->seed, o->lr, 0, VAE_PRECISION_FP32) != 0 ||
        vae_trainer_set_state(&m->t, m->ck.params, NULL, NULL) != 0 ||
        vae_dataset_open(o->data, o->synthetic_count, o->seed, &m->ds, err, sizeof err) != 0) {
        printf("FAIL  loading the tiny model: %s\n", err);
        failures++;
        return -1;
    }
    return 0;
}

static void unload(model *m) {
    vae_dataset_close(m->ds);
    vae_trainer_free(&m->t);
    if (m->be) m->be->vt->destroy(m->be);
    vae_checkpoint_free(&m->ck);
}

static void test_bounds(model *m) {
    uint8_t px[IMAGES * FACE];
    char err[600];
    long first = m->ds->count; /* faces past the training set */
    viz_iwae w;
    vae_step_out eval;
    int k[3] = {1, 8, 64};
    int ok = vae_dataset_read_batch(m->ds, NULL, first, IMAGES, px) == 0 &&
             viz_iwae_bounds(&m->t, px, IMAGES, k, 3, 1, NULL, NULL, &w, err, sizeof err) == 0 &&
             vae_trainer_evaluate(&m->t, px, IMAGES, 1.0f, &eval) == 0;
    CHECK(ok, "bounds and validation terms of %d held-out faces%s%s", IMAGES, ok ? "" : ": ",
          ok ? "" : err);
    if (!ok) return;
    /* nested groups of draws: Jensen makes each bound at least the last, up to rounding */
    int rising = w.bound[1] >= w.bound[0] - 1e-9 && w.bound[2] >= w.bound[1] - 1e-9;
    CHECK(rising && w.bound[2] > w.bound[0] + 1, "IWAE k = 1, 8, 64: %.3f, %.3f, %.3f nats: "
          "non-decreasing, and k = 64 above k = 1 by more than a nat", w.bound[0], w.bound[1],
          w.bound[2]);
    CHECK(fabs(w.bound[0] - w.elbo) <= 3 * w.k1_gap_se, "IWAE_1 %.3f = ELBO %.3f within 3 "
          "standard errors of their difference (%.3g)", w.bound[0], w.elbo, w.k1_gap_se);
    /* the loss sums its KL in float on the backend: a few float roundings of ~L terms */
    CHECK(fabs(w.kl - eval.kl) <= 1e-4 * fmax(fabs(eval.kl), 1), "closed-form KL %.6f = the "
          "loss's KL term on the same faces %.6f (relative 1e-4: float sums)", w.kl, (double)eval.kl);
    CHECK(fabs(w.log_px_const - 6144 * log(3.14159265358979323846)) < 1e-9 && w.elbo < -w.log_px_const,
          "-log p(x|z) = squared error + (D/2) log pi = %.4f; ELBO %.2f below -%.1f", w.log_px_const,
          w.elbo, w.log_px_const);
}

static void test_whole(model *m) {
    viz_analysis_options o;
    viz_analysis a;
    char err[600];
    viz_analysis_defaults(&o);
    o.n = 48;
    o.iwae_images = 4;
    o.holes = 128;
    int ok = viz_analyze(&m->t, m->ds, &m->ck.options, &o, NULL, NULL, &a, err, sizeof err) == 0;
    CHECK(ok, "the whole analysis of 48 held-out faces, log q(z) on the backend%s%s",
          ok ? "" : ": ", ok ? "" : err);
    if (ok) {
        /* log q(z) on the backend is float: the bound log N holds to about 1e-5 nats */
        CHECK(a.held_out && a.n == 48 && viz_kl_identity_holds(&a.kl) &&
              a.kl.mi.mean <= a.kl.log_n + 1e-4 && a.active >= 1 && a.active <= L &&
              a.holes.count == 128,
              "held out, identity holds (%.3f + %.3f = %.3f ± %.3f vs %.3f), I <= log N = %.3f, "
              "%d of %d active", a.kl.mi.mean, a.kl.agg_kl.mean, a.kl.sum.mean, a.kl.sum.se,
              a.kl.kl, a.kl.log_n, a.active, L);
    }
    viz_analysis_free(&a);
}

static json_object *at(json_object *o, const char *path) {
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        if (!json_object_object_get_ex(o, key, &o)) return NULL;
        path += n + (path[n] == '.');
    }
    return o;
}

static void test_command(void) {
    const char *small = "--checkpoint run --device cpu --n 32 --samples 2 --repeats 2 --k 1,4 "
                        "--iwae-images 4 --holes 64";
    CHECK(run("analyze %s --json > a.json 2> a.err", small) == 0, "vae-vk analyze --json");
    char path[200];
    snprintf(path, sizeof path, "%s/a.json", dir);
    json_object *j = json_object_from_file(path);
    const char *numbers[] = {"kl.closed_form", "kl.mutual_information.mean",
                             "kl.mutual_information.se", "kl.mutual_information.spread",
                             "kl.aggregate_kl.mean", "kl.sum.se", "kl.log_n", "kl.difference",
                             "likelihood.elbo.mean", "likelihood.recon", "likelihood.log_px_constant",
                             "holes.kl_prior_aggregate.mean", "holes.log_q_min"};
    int missing = 0;
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (!json_object_is_type(at(j, numbers[i]), json_type_double)) {
            printf("      no number at %s\n", numbers[i]);
            missing++;
        }
    json_object *iw = at(j, "likelihood.iwae");
    CHECK(j && missing == 0 && json_object_get_int(at(j, "images")) == 32 &&
          json_object_get_boolean(at(j, "kl.identity_holds")) &&
          json_object_get_int(at(j, "active_units.count")) <= L &&
          json_object_array_length(at(j, "active_units.mu_variance")) == L &&
          json_object_array_length(at(j, "kl_per_dim")) == L && iw &&
          json_object_array_length(iw) == 2 &&
          json_object_get_int(at(json_object_array_get_idx(iw, 1), "k")) == 4,
          "the JSON parses and has every field: %d numbers missing", missing);
    json_object_put(j);
    CHECK(run("analyze %s --quiet > a.txt", small) == 0 && shell("grep -q 'the identity holds' "
              "a.txt && grep -q 'IWAE k=4' a.txt && grep -q 'Active units' a.txt") == 0,
          "the table names the identity, the bounds and the active units");
    CHECK(run("analyze --checkpoint run --device cpu --k 1,3,8 2> e.txt") == 2 &&
              shell("test $(wc -l < e.txt) -eq 1 && grep -q 'divide' e.txt") == 0,
          "--k 1,3,8: exit 2 and one line saying why");
    CHECK(run("analyze --device cpu 2> e.txt") == 2 && shell("test $(wc -l < e.txt) -eq 1") == 0,
          "no --checkpoint: exit 2 and one line");
}

int main(void) {
    vaevk = getenv("VAEVK");
    if (!vaevk || access(vaevk, X_OK) != 0) {
        printf("FAIL  $VAEVK must name the vae-vk executable (meson test sets it)\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/vaevk-analysis-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("FAIL  cannot create a temporary directory\n");
        return 1;
    }
    printf("in %s\n", dir);
    /* beta 0.01 and 48 steps: a model that uses its latent (about 40 nats of
     * KL, most units active), so the bounds have a gap to close */
    int trained = run("train --out run --device cpu --channels 4,8,8,8 --latent %d --batch 8 "
                      "--synthetic-count 64 --epochs 6 --anneal-epochs 0 --beta-max 0.01 "
                      "--lr 3e-3 --quiet", L) == 0;
    CHECK(trained, "trained a tiny model (latent %d, beta 0.01) on 64 synthetic faces", L);
    model m;
    if (!trained || load(&m) != 0) return 1;
    test_bounds(&m);
    test_whole(&m);
    unload(&m);
    test_command();
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (failures == 0 && system(cmd) != 0) printf("could not remove %s\n", dir);
    printf("%s\n", failures ? "FAILED" : "all analysis model checks passed");
    return failures ? 1 : 0;
}
