/* Checkpoints: save -> load gives back every option, the progress, the
 * parameters and Adam's moments bit for bit; the loaded model decodes and
 * trains exactly as the saved one would have (CPU backend, so exactly); and
 * every kind of bad file fails with one line that says what is wrong. */
#include "vaevk/checkpoint.h"
#include "vaevk/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/check.h"
#include "io/safetensors.h"
#include "vaevk/rng.h"

static char dir[] = "/tmp/vaevk-ckpt-XXXXXX";

/* Path of name inside the test directory, valid in the enclosing block. */
#define AT(name) at((char[512]){0}, name)
static const char *at(char *buf, const char *name) {
    snprintf(buf, 512, "%s/%s", dir, name);
    return buf;
}

/* Options far from the defaults, so that a field the loader forgets to read
 * shows up as a difference. lr and anneal_epochs need all 9 digits. */
static void unusual_options(vae_train_options *o, const int channels[4], int latent) {
    vae_train_options_default(o);
    memcpy(o->model.channels, channels, sizeof o->model.channels);
    o->model.latent = latent;
    o->batch = 4;
    o->epochs = 7;
    o->max_steps = 123;
    o->lr = 3.3e-4f;
    o->beta_max = 0.75f;
    o->anneal_epochs = 1.1f;
    o->seed = 0xFEDCBA9876543210ull; /* above 2^63: a signed parse would clip it */
    o->flip = 0;
    o->synthetic_count = 999;
}

/* Model state of one arena: parameters from the seed, or (moments) small
 * values, v kept positive as Adam's would be. */
static float *arena(const vae_param_table *t, uint64_t seed, int kind) {
    float *a = test_alloc((size_t)t->total * sizeof *a);
    if (kind == 0) {
        vae_params_init(a, t, seed);
        return a;
    }
    for (int i = 0; i < VAE_NPARAMS; i++) {
        const vae_param *p = &t->p[i];
        vae_rng_normal_fill(a + p->offset, p->count, seed, VAE_STREAM_TEST, (uint32_t)(10 * kind + i), 0);
        for (uint32_t j = 0; j < p->count; j++)
            a[p->offset + j] = kind == 1 ? 1e-3f * a[p->offset + j] : 1e-6f * a[p->offset + j] * a[p->offset + j];
    }
    return a;
}

/* Floats whose bit patterns differ. */
static long bit_diffs(const float *a, const float *b, size_t n) {
    long d = 0;
    for (size_t i = 0; i < n; i++)
        d += memcmp(a + i, b + i, sizeof *a) != 0;
    return d;
}

static int save(const char *path, const vae_train_options *o, const vae_train_progress *pr,
                const vae_param_table *t, const float *p, const float *m, const float *v) {
    char err[1024] = "";
    int rc = vae_checkpoint_save(path, o, pr, t, p, m, v, err, sizeof err);
    if (rc != 0)
        printf("FAIL  saving %s: %s\n", path, err);
    failures += rc != 0;
    return rc;
}

static void compare_options(const char *label, const vae_train_options *a, const vae_train_options *b) {
    int same = memcmp(a->model.channels, b->model.channels, sizeof a->model.channels) == 0 &&
               a->model.latent == b->model.latent && a->batch == b->batch &&
               a->epochs == b->epochs && a->max_steps == b->max_steps &&
               memcmp(&a->lr, &b->lr, 4) == 0 && memcmp(&a->beta_max, &b->beta_max, 4) == 0 &&
               memcmp(&a->anneal_epochs, &b->anneal_epochs, 4) == 0 && a->seed == b->seed &&
               a->flip == b->flip && strcmp(a->data, b->data) == 0 &&
               a->synthetic_count == b->synthetic_count;
    CHECK(same, "%s: options back: channels %d,%d,%d,%d latent %d batch %d epochs %d max_steps %ld "
          "lr %.9g beta_max %.9g anneal %.9g seed %llx flip %d data %s count %d", label,
          b->model.channels[0], b->model.channels[1], b->model.channels[2], b->model.channels[3],
          b->model.latent, b->batch, b->epochs, b->max_steps, (double)b->lr, (double)b->beta_max,
          (double)b->anneal_epochs, (unsigned long long)b->seed, b->flip, b->data, b->synthetic_count);
}

/* Everything saved comes back bit for bit, through a file and a directory. */
static void test_round_trip(void) {
    const int ch[4] = {4, 8, 8, 16};
    vae_train_options o;
    unusual_options(&o, ch, 8);
    vae_train_progress pr = {42, 3, 11};
    vae_param_table t;
    vae_param_table_init(&t, &o.model);
    float *p = arena(&t, o.seed, 0), *m = arena(&t, 5, 1), *v = arena(&t, 5, 2);
    if (mkdir(AT("run"), 0777) != 0 || save(AT("run/checkpoint.safetensors"), &o, &pr, &t, p, m, v))
        return;
    const char *paths[2] = {AT("run/checkpoint.safetensors"), AT("run")};
    for (int k = 0; k < 2; k++) {
        vae_checkpoint ck;
        char err[1024] = "";
        if (vae_checkpoint_load(paths[k], &ck, err, sizeof err) != 0) {
            CHECK(0, "load %s: %s", paths[k], err);
            continue;
        }
        compare_options(paths[k], &o, &ck.options);
        CHECK(ck.progress.step == 42 && ck.progress.epoch == 3 && ck.progress.steps_per_epoch == 11,
              "%s: progress back: step %ld epoch %d steps_per_epoch %ld", paths[k], ck.progress.step,
              ck.progress.epoch, ck.progress.steps_per_epoch);
        CHECK(ck.table.total == t.total && ck.table.count == t.count, "%s: table of %u floats (%u params)",
              paths[k], ck.table.total, ck.table.count);
        long dp = bit_diffs(p, ck.params, t.total);
        long dm = ck.adam_m ? bit_diffs(m, ck.adam_m, t.total) : -1;
        long dv = ck.adam_v ? bit_diffs(v, ck.adam_v, t.total) : -1;
        CHECK(dp == 0 && dm == 0 && dv == 0, "%s: params, adam_m, adam_v back bit for bit "
              "(%ld, %ld, %ld of %u floats differ)", paths[k], dp, dm, dv, t.total);
        vae_checkpoint_free(&ck);
    }
    free(p); free(m); free(v);
}

/* A checkpoint of another architecture is read as that architecture, not
 * forced into the defaults; one saved without moments loads without them. */
static void test_other_channels(void) {
    const int ch[4] = {3, 5, 7, 9};
    vae_train_options o;
    unusual_options(&o, ch, 5);
    vae_train_progress pr = {0, 0, 1};
    vae_param_table t;
    vae_param_table_init(&t, &o.model);
    float *p = arena(&t, 3, 0);
    if (save(AT("odd.safetensors"), &o, &pr, &t, p, NULL, NULL) == 0) {
        vae_checkpoint ck;
        char err[1024] = "";
        int rc = vae_checkpoint_load(AT("odd.safetensors"), &ck, err, sizeof err);
        CHECK(rc == 0, "channels 3,5,7,9 latent 5 loads: %s", rc ? err : "yes");
        if (rc == 0) {
            compare_options("odd widths", &o, &ck.options);
            CHECK(ck.table.count == t.count && bit_diffs(p, ck.params, t.total) == 0,
                  "odd widths: %u params back bit for bit", ck.table.count);
            CHECK(!ck.adam_m && !ck.adam_v, "saved without moments: loaded without (%p, %p)",
                  (void *)ck.adam_m, (void *)ck.adam_v);
            vae_checkpoint_free(&ck);
        }
    }
    free(p);
}

/* Pixels (n, 64, 64, 3) from the test stream. */
static uint8_t *test_pixels(int n) {
    size_t count = (size_t)n * 64 * 64 * 3;
    uint8_t *px = test_alloc(count);
    for (size_t i = 0; i < count; i++)
        px[i] = (uint8_t)vae_rng_u32(11, VAE_STREAM_TEST, 0, (uint32_t)i);
    return px;
}

typedef struct {
    float *xhat;          /* decode of the fixed z */
    vae_step_out out;     /* the step after the save point */
    float *p, *m, *v;     /* state after that step */
} model_result;

/* Decodes z, then runs step `step` on px, from the trainer's current state. */
static int decode_and_step(vae_trainer *tr, const float *z, const uint8_t *px, long step,
                           model_result *r) {
    const vae_layout *l = &tr->lay;
    const size_t total = l->table.total;
    r->xhat = test_alloc((size_t)l->batch * 3 * 64 * 64 * sizeof(float));
    r->p = test_alloc(total * 4);
    r->m = test_alloc(total * 4);
    r->v = test_alloc(total * 4);
    return vae_trainer_decode(tr, z, l->batch, r->xhat) ||
           vae_trainer_step(tr, px, step, 0.5f, &r->out) ||
           vae_trainer_get_state(tr, r->p, r->m, r->v);
}

/* Train three steps, save, then compare the saving trainer's next decode and
 * step with a fresh trainer built from the loaded file. The CPU backend is
 * deterministic, so both must agree bit for bit. */
static void test_model_continues(void) {
    const int ch[4] = {4, 8, 8, 16};
    vae_train_options o;
    unusual_options(&o, ch, 8);
    o.flip = 1;
    const int B = o.batch, L = o.model.latent;
    uint8_t *px = test_pixels(B);
    float *z = test_alloc((size_t)B * L * sizeof *z);
    vae_rng_normal_fill(z, (uint32_t)(B * L), 7, VAE_STREAM_TEST, 1, 0);
    model_result a = {0}, b = {0};
    vae_backend *be = vae_reference_backend_create();
    vae_trainer tr;
    int rc = vae_trainer_init(&tr, be, &o.model, B, o.seed, o.lr, o.flip, VAE_PRECISION_FP32);
    float *p = arena(&tr.lay.table, o.seed, 0);
    float *m = test_alloc((size_t)tr.lay.table.total * 4), *v = test_alloc((size_t)tr.lay.table.total * 4);
    rc = rc || vae_trainer_set_state(&tr, p, NULL, NULL);
    for (long s = 0; s < 3 && !rc; s++)
        rc = vae_trainer_step(&tr, px, s, 0.5f, &a.out);
    rc = rc || vae_trainer_get_state(&tr, p, m, v);
    vae_train_progress pr = {3, 0, 100};
    rc = rc || save(AT("trained.safetensors"), &o, &pr, &tr.lay.table, p, m, v);
    rc = rc || decode_and_step(&tr, z, px, 3, &a);
    CHECK(rc == 0, "train 3 steps, save, decode, step 4 on the CPU backend: %s", rc ? be->error : "done");
    vae_trainer_free(&tr);
    be->vt->destroy(be);

    vae_checkpoint ck;
    char err[1024] = "";
    if (rc == 0 && vae_checkpoint_load(AT("trained.safetensors"), &ck, err, sizeof err) == 0) {
        be = vae_reference_backend_create();
        const vae_train_options *lo = &ck.options;
        rc = vae_trainer_init(&tr, be, &lo->model, lo->batch, lo->seed, lo->lr, lo->flip, VAE_PRECISION_FP32) ||
             vae_trainer_set_state(&tr, ck.params, ck.adam_m, ck.adam_v) ||
             decode_and_step(&tr, z, px, ck.progress.step, &b);
        CHECK(rc == 0, "loaded model: decode and step %ld: %s", ck.progress.step, rc ? be->error : "done");
        if (rc == 0) {
            size_t nx = (size_t)B * 3 * 64 * 64, n = tr.lay.table.total;
            long dx = bit_diffs(a.xhat, b.xhat, nx);
            CHECK(dx == 0, "decode of the same z: %ld of %zu outputs differ (xhat[0] %.9g vs %.9g)",
                  dx, nx, (double)a.xhat[0], (double)b.xhat[0]);
            CHECK(memcmp(&a.out, &b.out, sizeof a.out) == 0, "next step's loss %.9g recon %.9g "
                  "kl %.9g, after loading %.9g %.9g %.9g", (double)a.out.loss, (double)a.out.recon,
                  (double)a.out.kl, (double)b.out.loss, (double)b.out.recon, (double)b.out.kl);
            long d = bit_diffs(a.p, b.p, n) + bit_diffs(a.m, b.m, n) + bit_diffs(a.v, b.v, n);
            CHECK(d == 0, "params and moments after that step: %ld of %zu floats differ", d, 3 * n);
        }
        vae_trainer_free(&tr);
        be->vt->destroy(be);
        vae_checkpoint_free(&ck);
    } else if (rc == 0) {
        CHECK(0, "load the trained checkpoint: %s", err);
    }
    model_result *rs[2] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        free(rs[i]->xhat); free(rs[i]->p); free(rs[i]->m); free(rs[i]->v);
    }
    free(px); free(z); free(p); free(m); free(v);
}

/* Loading must fail with one line naming the file that holds `phrase`
 * (and `phrase2` unless NULL). */
static void expect_error(const char *label, const char *path, const char *phrase, const char *phrase2) {
    vae_checkpoint ck;
    char err[1024] = "";
    int rc = vae_checkpoint_load(path, &ck, err, sizeof err);
    int one_line = err[0] && !strchr(err, '\n');
    int says = strstr(err, phrase) && (!phrase2 || strstr(err, phrase2));
    CHECK(rc == -1 && !ck.params && !ck.adam_m && one_line && says && strstr(err, dir),
          "%s: rc %d: %s", label, rc, err);
    vae_checkpoint_free(&ck); /* harmless after a failed load */
}

static long file_size(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* The first n bytes of src as dst. */
static void cut(const char *src, const char *dst, long n) {
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    char *buf = test_alloc((size_t)n + 1);
    int ok = in && out && fread(buf, 1, (size_t)n, in) == (size_t)n && fwrite(buf, 1, (size_t)n, out) == (size_t)n;
    if (in) fclose(in);
    if (out && fclose(out) != 0) ok = 0;
    free(buf);
    if (!ok) {
        printf("FAIL: cannot write %s: %s\n", dst, strerror(errno));
        exit(2);
    }
}

/* src rewritten as dst with one change: tensor `drop` left out, tensor
 * `permute` given its first two dims swapped (same bytes, wrong shape), or
 * metadata `key` set to `value`. */
static void edit(const char *src, const char *dst, const char *drop, const char *permute,
                 const char *key, const char *value) {
    st_file f;
    char err[1024] = "";
    st_writer *w = st_writer_new();
    if (!w || st_read(src, &f, err, sizeof err) != 0) {
        printf("FAIL: cannot read %s: %s\n", src, err);
        exit(2);
    }
    for (int i = 0; i < f.meta_count; i++)
        st_writer_meta(w, f.meta_keys[i], key && strcmp(f.meta_keys[i], key) == 0 ? value : f.meta_values[i]);
    for (int i = 0; i < f.count; i++) {
        st_tensor t = f.tensors[i];
        if (drop && strcmp(t.name, drop) == 0)
            continue;
        if (permute && strcmp(t.name, permute) == 0) {
            int64_t d0 = t.shape[0];
            t.shape[0] = t.shape[1];
            t.shape[1] = d0;
        }
        st_writer_add(w, t.name, t.dtype, t.ndim, t.shape, st_data(&f, &t), t.end - t.begin);
    }
    if (st_writer_save(w, dst, err, sizeof err) != 0) {
        printf("FAIL: cannot write %s: %s\n", dst, err);
        exit(2);
    }
    st_writer_free(w);
    st_free(&f);
}

/* A checkpoint cut short anywhere is reported as incomplete. */
static void test_truncated(void) {
    const char *good = AT("run/checkpoint.safetensors");
    long size = file_size(good);
    FILE *fp = fopen(good, "rb");
    uint8_t len[8] = {0};
    if (!fp || fread(len, 1, 8, fp) != 8 || size < 0) {
        CHECK(0, "read the header length of %s", good);
        if (fp) fclose(fp);
        return;
    }
    fclose(fp);
    long header = 0;
    for (int i = 7; i >= 0; i--)
        header = header << 8 | len[i];
    /* inside the length, inside the JSON, at the end of the header, inside
     * the parameters, inside the moments, one byte short */
    const long cuts[] = {0, 5, 8, 9, 8 + header / 2, 8 + header - 1, 8 + header,
                         8 + header + 100, 8 + header + (size - 8 - header) / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "cut at %ld of %ld bytes", cuts[i], size);
        cut(good, AT("cut.safetensors"), cuts[i]);
        const char *phrase = cuts[i] < 8 ? "incomplete" : "truncated";
        expect_error(label, AT("cut.safetensors"), phrase, NULL);
    }
}

/* Files that are whole but wrong: someone else's, or a checkpoint with one
 * thing changed. */
static void test_wrong_files(void) {
    const char *good = AT("run/checkpoint.safetensors");
    char fixture[1024];
    const char *root = getenv("SOURCE_ROOT");
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/ref_small_beta1.safetensors", root ? root : ".");
    cut(fixture, AT("reference.safetensors"), file_size(fixture));
    expect_error("a PyTorch reference step", AT("reference.safetensors"), "not a vae-vk checkpoint", NULL);

    st_writer *w = st_writer_new();
    const int64_t shape[1] = {2};
    const float two[2] = {1, 2};
    char err[1024] = "";
    st_writer_add(w, "encoder.0.weight", "F32", 1, shape, two, sizeof two);
    if (st_writer_save(w, AT("plain.safetensors"), err, sizeof err) != 0)
        CHECK(0, "write plain.safetensors: %s", err);
    st_writer_free(w);
    expect_error("safetensors without metadata", AT("plain.safetensors"), "'format' is missing",
                 "not a vae-vk checkpoint");

    edit(good, AT("shape.safetensors"), NULL, "encoder.1.weight", NULL, NULL);
    expect_error("one tensor's shape changed", AT("shape.safetensors"), "'encoder.1.weight'",
                 "different model configuration");
    edit(good, AT("latent.safetensors"), NULL, NULL, "latent", "16");
    expect_error("metadata latent 16 over latent-8 tensors", AT("latent.safetensors"), "'fc_mu.weight'",
                 "different model configuration");
    edit(good, AT("channels.safetensors"), NULL, NULL, "channels", "4,8,8");
    expect_error("metadata channels 4,8,8", AT("channels.safetensors"), "channels='4,8,8'", NULL);
    edit(good, AT("step.safetensors"), NULL, NULL, "step", "-5");
    expect_error("metadata step -5", AT("step.safetensors"), "step='-5'", "whole number");
    /* every training option is range-checked as the command line checks it */
    edit(good, AT("lr.safetensors"), NULL, NULL, "lr", "inf");
    expect_error("metadata lr inf", AT("lr.safetensors"), "lr='inf' is not a number from 1e-12 to 10", NULL);
    edit(good, AT("seed.safetensors"), NULL, NULL, "seed", "banana");
    expect_error("metadata seed banana", AT("seed.safetensors"), "seed='banana' is not a whole number", NULL);
    edit(good, AT("val.safetensors"), NULL, NULL, "val_fraction", "0.9");
    expect_error("metadata val_fraction 0.9", AT("val.safetensors"), "val_fraction='0.9'", "0 to 0.5");
    edit(good, AT("every.safetensors"), NULL, NULL, "checkpoint_every", "0");
    expect_error("metadata checkpoint_every 0", AT("every.safetensors"), "checkpoint_every='0'", NULL);
    edit(good, AT("beta.safetensors"), NULL, NULL, "beta_max", "nan");
    expect_error("metadata beta_max nan", AT("beta.safetensors"), "beta_max='nan'", NULL);
    /* checkpoints from before the option table wrote crop as -1 (auto) and 0 (square) */
    edit(good, AT("crop_legacy.safetensors"), NULL, NULL, "crop", "-1");
    vae_checkpoint legacy;
    char why[1024] = "";
    int rc = vae_checkpoint_load(AT("crop_legacy.safetensors"), &legacy, why, sizeof why);
    CHECK(rc == 0 && legacy.options.crop == VAE_CROP_AUTO, "metadata crop '-1' of an older checkpoint reads as "
          "auto: rc %d %s", rc, why);
    if (rc == 0)
        vae_checkpoint_free(&legacy);
    edit(good, AT("format.safetensors"), NULL, NULL, "format", "vae-vk-checkpoint-0");
    expect_error("format of another version", AT("format.safetensors"), "another version", NULL);
    edit(good, AT("drop.safetensors"), "decoder.3.bias", NULL, NULL, NULL);
    expect_error("a parameter missing", AT("drop.safetensors"), "'decoder.3.bias' is missing", NULL);
    edit(good, AT("drop_v.safetensors"), "adam_v.fc_mu.bias", NULL, NULL, NULL);
    expect_error("one moment missing", AT("drop_v.safetensors"), "'adam_v.fc_mu.bias' is missing", NULL);

    expect_error("missing file", AT("none.safetensors"), "no checkpoint at", NULL);
    if (mkdir(AT("empty"), 0777) == 0)
        expect_error("directory without a checkpoint", AT("empty"), "no checkpoint at",
                     "empty/checkpoint.safetensors");
}

/* A save that cannot happen says so and leaves no file behind. */
static void test_failed_save(void) {
    const int ch[4] = {4, 8, 8, 16};
    vae_train_options o;
    unusual_options(&o, ch, 8);
    vae_train_progress pr = {0, 0, 1};
    vae_param_table t;
    vae_param_table_init(&t, &o.model);
    float *p = arena(&t, 1, 0);
    char err[1024] = "";
    int rc = vae_checkpoint_save(AT("no/such/dir/c.safetensors"), &o, &pr, &t, p, NULL, NULL, err, sizeof err);
    CHECK(rc == -1 && err[0] && !strchr(err, '\n') && strstr(err, "not saved") &&
          file_size(AT("no/such/dir/c.safetensors")) < 0, "save into a missing directory: rc %d: %s", rc, err);
    free(p);
}

/* rm -r of the test directory, which holds files and one level of dirs. */
static void cleanup(void) {
    const char *names[] = {"run/checkpoint.safetensors", "run", "odd.safetensors", "trained.safetensors",
                           "cut.safetensors", "reference.safetensors", "plain.safetensors",
                           "shape.safetensors", "latent.safetensors", "channels.safetensors",
                           "step.safetensors", "format.safetensors", "drop.safetensors",
                           "drop_v.safetensors", "empty"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(AT(names[i]));
    rmdir(dir);
}

int main(void) {
    if (!mkdtemp(dir)) {
        printf("FAIL: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    test_round_trip();
    test_other_channels();
    test_model_continues();
    test_truncated();
    test_wrong_files();
    test_failed_save();
    cleanup();
    printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
