/* Checkpoints as safetensors: see vaevk/checkpoint.h. */
#include "vaevk/checkpoint.h"
#include "vaevk/train_options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/params_file.h"
#include "io/safetensors.h"

/* The tensor that stores parameter p: its name (prefix + PyTorch name) and
 * its shape in safetensors' int64. Saving and loading both go through here,
 * so the two cannot disagree. */
typedef struct {
    char name[96];
    int64_t shape[4];
} stored_tensor;

static stored_tensor stored_as(const vae_param *p, const char *prefix) {
    stored_tensor s = {0};
    snprintf(s.name, sizeof s.name, "%s%s", prefix, p->name);
    for (int d = 0; d < p->ndim; d++)
        s.shape[d] = p->shape[d];
    return s;
}

static void add_tensors(st_writer *w, const vae_param_table *t, const char *prefix,
                        const float *arena) {
    for (int i = 0; i < VAE_NPARAMS; i++) {
        const vae_param *p = &t->p[i];
        stored_tensor s = stored_as(p, prefix);
        st_writer_add(w, s.name, "F32", p->ndim, s.shape, arena + p->offset, (size_t)p->count * 4);
    }
}

static void meta_long(st_writer *w, const char *key, long long v) {
    char text[32];
    snprintf(text, sizeof text, "%lld", v);
    st_writer_meta(w, key, text);
}

int vae_checkpoint_save(const char *path, const vae_train_options *o,
                        const vae_train_progress *progress, const vae_param_table *table,
                        const float *params, const float *adam_m, const float *adam_v,
                        char *err, size_t errlen) {
    st_writer *w = st_writer_new();
    if (!w) {
        snprintf(err, errlen, "out of memory saving %s", path);
        return -1;
    }
    st_writer_meta(w, "format", VAE_CHECKPOINT_FORMAT);
    for (int i = 0; i < vae_train_option_count; i++) {
        char text[600];
        vae_train_option_format(&vae_train_option_table[i], o, text, sizeof text);
        st_writer_meta(w, vae_train_option_table[i].key, text);
    }
    meta_long(w, "step", progress->step);
    meta_long(w, "epoch", progress->epoch);
    meta_long(w, "steps_per_epoch", progress->steps_per_epoch);
    st_writer_meta(w, "precision", vae_precision_name(progress->precision));
    if (progress->precision == VAE_PRECISION_MIXED) {
        char scale[32];
        snprintf(scale, sizeof scale, "%.9g", (double)progress->scaler.scale); /* exact: a power of two */
        st_writer_meta(w, "loss_scale", scale);
        meta_long(w, "loss_scale_clean_steps", progress->scaler.clean);
    }
    meta_long(w, "skipped_steps", progress->scaler.skipped);
    add_tensors(w, table, "", params);
    if (adam_m && adam_v) {
        add_tensors(w, table, "adam_m.", adam_m);
        add_tensors(w, table, "adam_v.", adam_v);
    }
    int status = st_writer_save(w, path, err, errlen);
    st_writer_free(w);
    return status;
}

/* Metadata readers: each fails with a line naming the file and the key. */
typedef struct {
    const st_file *f;
    const char *path;
    char *err;
    size_t errlen;
    int failed;
} meta_reader;

static const char *meta_text(meta_reader *m, const char *key) {
    const char *v = st_meta(m->f, key);
    if (!v && !m->failed) {
        snprintf(m->err, m->errlen, "%s: metadata '%s' is missing: not a vae-vk checkpoint, or "
                                    "a damaged one", m->path, key);
        m->failed = 1;
    }
    return v;
}

static long long meta_integer(meta_reader *m, const char *key, long long min, long long max) {
    const char *v = meta_text(m, key);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if ((end == v || *end || errno || x < min || x > max) && !m->failed) {
        snprintf(m->err, m->errlen, "%s: metadata %s='%s' is not a whole number in %lld..%lld",
                 m->path, key, v, min, max);
        m->failed = 1;
    }
    return x;
}

/* Every training option (vaevk/train_options.h), parsed and range-checked
 * as the command line is; an option newer than the file takes its default.
 * Checkpoints before the option table wrote crop as -1 (auto) or 0 (square). */
/* Precision and the loss scaler: absent before mixed precision (fp32, S 1,
 * nothing skipped). */
static int read_loss_scaling(meta_reader *m, vae_train_progress *p) {
    const char *precision = st_meta(m->f, "precision");
    p->precision = VAE_PRECISION_FP32;
    p->scaler = (vae_loss_scaler){.scale = 1.0f};
    if (precision && strcmp(precision, "mixed") == 0)
        p->precision = VAE_PRECISION_MIXED;
    else if (precision && strcmp(precision, "fp32") != 0) {
        snprintf(m->err, m->errlen, "%s: metadata precision='%.40s' is not fp32 or mixed: a damaged checkpoint, "
                 "or one edited by hand", m->path, precision);
        return -1;
    }
    if (st_meta(m->f, "skipped_steps"))
        p->scaler.skipped = (uint32_t)meta_integer(m, "skipped_steps", 0, UINT32_MAX);
    if (p->precision == VAE_PRECISION_FP32)
        return 0;
    const char *scale = meta_text(m, "loss_scale");
    char *end = NULL;
    double s = scale ? strtod(scale, &end) : 0;
    int exponent = 0;
    if (!scale || end == scale || *end || !(s >= VAE_LOSS_SCALE_MIN && s <= VAE_LOSS_SCALE_MAX) ||
        frexp(s, &exponent) != 0.5) {
        if (scale)
            snprintf(m->err, m->errlen, "%s: metadata loss_scale='%.40s' is not a power of two in [2^-24, 2^24]: "
                     "a damaged checkpoint, or one edited by hand", m->path, scale);
        return -1;
    }
    p->scaler.scale = (float)s;
    p->scaler.clean = (uint32_t)meta_integer(m, "loss_scale_clean_steps", 0, UINT32_MAX);
    return 0;
}

static int read_options(meta_reader *m, vae_checkpoint *ck) {
    vae_train_options *o = &ck->options;
    vae_train_options_default(o);
    const char *format = meta_text(m, "format");
    if (format && strcmp(format, VAE_CHECKPOINT_FORMAT) != 0) {
        snprintf(m->err, m->errlen, "%s: format '%s' is not %s: not a vae-vk checkpoint, or one "
                                    "from another version", m->path, format, VAE_CHECKPOINT_FORMAT);
        return -1;
    }
    for (int i = 0; i < vae_train_option_count && !m->failed; i++) {
        const vae_train_option *opt = &vae_train_option_table[i];
        const char *text = opt->optional ? st_meta(m->f, opt->key) : meta_text(m, opt->key);
        if (!text)
            continue;
        if (opt->type == VAE_OPTION_CROP && (strcmp(text, "-1") == 0 || strcmp(text, "0") == 0))
            text = text[0] == '-' ? "auto" : "square";
        char why[200];
        if (vae_train_option_parse(opt, text, o, why, sizeof why) != 0) {
            snprintf(m->err, m->errlen, "%s: metadata %s='%.100s' %s: a damaged checkpoint, or one edited by hand",
                     m->path, opt->key, text, why);
            m->failed = 1;
        }
    }
    ck->progress.step = (long)meta_integer(m, "step", 0, 1000000000000LL);
    ck->progress.epoch = (int)meta_integer(m, "epoch", 0, 1000000000);
    ck->progress.steps_per_epoch = (long)meta_integer(m, "steps_per_epoch", 1, 1000000000000LL);
    if (read_loss_scaling(m, &ck->progress) != 0 || m->failed)
        return -1;
    char why[256];
    if (vae_config_check(&o->model, why, sizeof why) != 0) {
        snprintf(m->err, m->errlen, "%s: %s", m->path, why);
        return -1;
    }
    return 0;
}

int vae_params_from_file(const st_file *f, const vae_param_table *t, const char *prefix,
                         float *arena, char *err, size_t errlen) {
    memset(arena, 0, (size_t)t->total * sizeof *arena);
    for (int i = 0; i < VAE_NPARAMS; i++) {
        const vae_param *p = &t->p[i];
        stored_tensor s = stored_as(p, prefix);
        const st_tensor *st = st_expect(f, s.name, "F32", p->ndim, s.shape, err, errlen);
        if (!st)
            return -1;
        memcpy(arena + p->offset, st_data(f, st), (size_t)p->count * 4);
    }
    return 0;
}

/* A fresh arena image holding every parameter named prefix+name. */
static float *read_arena(const st_file *f, const vae_param_table *t, const char *prefix,
                         char *err, size_t errlen) {
    float *arena = malloc((size_t)t->total * sizeof *arena);
    if (!arena) {
        snprintf(err, errlen, "out of memory reading %s", f->path);
        return NULL;
    }
    if (vae_params_from_file(f, t, prefix, arena, err, errlen) != 0) {
        free(arena);
        return NULL;
    }
    return arena;
}

int vae_checkpoint_load(const char *path, vae_checkpoint *ck, char *err, size_t errlen) {
    memset(ck, 0, sizeof *ck);
    char file[1100];
    struct stat s;
    if (stat(path, &s) == 0 && S_ISDIR(s.st_mode))
        snprintf(file, sizeof file, "%s/checkpoint.safetensors", path);
    else
        snprintf(file, sizeof file, "%s", path);
    if (stat(file, &s) != 0) {
        snprintf(err, errlen, "no checkpoint at %s: give a checkpoint file or a run directory "
                              "made by vae-vk train", file);
        return -1;
    }
    st_file f;
    if (st_read(file, &f, err, errlen) != 0)
        return -1;
    meta_reader m = {&f, file, err, errlen, 0};
    int status = -1;
    if (read_options(&m, ck) != 0)
        goto done;
    vae_param_table_init(&ck->table, &ck->options.model);
    if (!(ck->params = read_arena(&f, &ck->table, "", err, errlen)))
        goto done;
    if (st_find(&f, "adam_m.encoder.0.weight")) {
        if (!(ck->adam_m = read_arena(&f, &ck->table, "adam_m.", err, errlen)) ||
            !(ck->adam_v = read_arena(&f, &ck->table, "adam_v.", err, errlen)))
            goto done;
    }
    status = 0;
done:
    st_free(&f);
    if (status != 0)
        vae_checkpoint_free(ck);
    return status;
}

void vae_checkpoint_free(vae_checkpoint *ck) {
    free(ck->params);
    free(ck->adam_m);
    free(ck->adam_v);
    ck->params = ck->adam_m = ck->adam_v = NULL;
}
