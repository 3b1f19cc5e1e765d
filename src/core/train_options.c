/* The table of training options (vaevk/train_options.h). */
#include "vaevk/train_options.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/dataset.h"

#define AT(field) offsetof(vae_train_options, field)

/* Fixed: a resumed run keeps the checkpoint's value; RESUMABLE: --resume
 * may change it. OPTIONAL: older checkpoints may lack it. */
#define FIXED 0, 0
#define RESUMABLE 1, 0
#define OPTIONAL 0, 1
#define RESUMABLE_OPTIONAL 1, 1
#define OPTION(flag, key, label, help, type, at, min, max, how, zero) \
    {flag, key, label, help, VAE_OPTION_##type, AT(at), min, max, how, zero}

const vae_train_option vae_train_option_table[] = {
    OPTION("channels", "channels", "channels", "encoder widths (32,64,128,256)", CHANNELS, model.channels, 0, 0,
           FIXED, NULL),
    OPTION("latent", "latent", "latent", "latent size (128)", INT, model.latent, 1, 4096, FIXED, NULL),
    OPTION("data", "data", "data", "synthetic (default), a folder of images or a cache file", DATA, data, 0, 0,
           FIXED, NULL),
    OPTION("synthetic-count", "synthetic_count", "synthetic faces", "synthetic faces per epoch (20000)", INT,
           synthetic_count, 1, 1e9, FIXED, NULL),
    OPTION("crop", "crop", "crop", "image folders: auto (default), square or a side N", CROP, crop, 0, 0, OPTIONAL,
           NULL),
    OPTION("val-fraction", "val_fraction", "validation share", "share held out for validation (0.05)", FLOAT,
           val_fraction, 0, 0.5, OPTIONAL, NULL),
    OPTION("batch", "batch", "batch", "images per step (64)", INT, batch, 1, 65536, FIXED, NULL),
    OPTION("epochs", "epochs", "epochs", "passes over the data (10)", INT, epochs, 1, 1e6, RESUMABLE, NULL),
    OPTION("steps", "max_steps", "step cap", "stop after this many steps in all (no cap)", LONG, max_steps, 0, 1e12,
           RESUMABLE, "none"),
    OPTION("lr", "lr", "learning rate", "Adam learning rate (1e-3)", FLOAT, lr, 1e-12, 10, RESUMABLE, NULL),
    OPTION("beta-max", "beta_max", "\xce\xb2 max", "final KL weight (1)", FLOAT, beta_max, 0, 1e6, FIXED, NULL),
    OPTION("anneal-epochs", "anneal_epochs", "\xce\xb2 ramp, epochs", "epochs of the 0 -> beta-max ramp (3)", FLOAT,
           anneal_epochs, 0, 1e6, FIXED, NULL),
    OPTION("seed", "seed", "seed", "random seed (1)", U64, seed, 0, 0, FIXED, NULL),
    OPTION("no-flip", "flip", "horizontal flips", "no random horizontal flips", FLIP, flip, 0, 1, FIXED, NULL),
    OPTION("checkpoint-every", "checkpoint_every", "checkpoint every", "also save at every multiple of N steps (500)",
           LONG, checkpoint_every, 1, 1e12, RESUMABLE_OPTIONAL, NULL),
};
const int vae_train_option_count = (int)(sizeof vae_train_option_table / sizeof vae_train_option_table[0]);

const vae_train_option *vae_train_option_by_flag(const char *flag) {
    for (int i = 0; i < vae_train_option_count; i++)
        if (strcmp(vae_train_option_table[i].flag, flag) == 0)
            return &vae_train_option_table[i];
    return NULL;
}

static void *field(const vae_train_option *opt, vae_train_options *o) { return (char *)o + opt->offset; }

static const void *cfield(const vae_train_option *opt, const vae_train_options *o) {
    return (const char *)o + opt->offset;
}

void vae_train_option_format(const vae_train_option *opt, const vae_train_options *o, char *out, size_t len) {
    const void *v = cfield(opt, o);
    switch (opt->type) {
    case VAE_OPTION_INT: snprintf(out, len, "%d", *(const int *)v); break;
    case VAE_OPTION_LONG: snprintf(out, len, "%ld", *(const long *)v); break;
    case VAE_OPTION_U64: snprintf(out, len, "%llu", (unsigned long long)*(const uint64_t *)v); break;
    case VAE_OPTION_FLOAT: snprintf(out, len, "%.9g", (double)*(const float *)v); break; /* round-trips */
    case VAE_OPTION_FLIP: snprintf(out, len, "%d", *(const int *)v); break;
    case VAE_OPTION_DATA: snprintf(out, len, "%s", (const char *)v); break;
    case VAE_OPTION_CHANNELS: vae_channels_format((const int *)v, out, len); break;
    case VAE_OPTION_CROP: {
        int crop = *(const int *)v;
        if (crop == VAE_CROP_AUTO)
            snprintf(out, len, "auto");
        else if (crop == VAE_CROP_SQUARE)
            snprintf(out, len, "square");
        else
            snprintf(out, len, "%d", crop);
        break;
    }
    }
}

void vae_train_option_copy(const vae_train_option *opt, vae_train_options *dst, const vae_train_options *src) {
    size_t size;
    switch (opt->type) {
    case VAE_OPTION_LONG: size = sizeof(long); break;
    case VAE_OPTION_U64: size = sizeof(uint64_t); break;
    case VAE_OPTION_FLOAT: size = sizeof(float); break;
    case VAE_OPTION_DATA: size = sizeof src->data; break;
    case VAE_OPTION_CHANNELS: size = sizeof src->model.channels; break;
    default: size = sizeof(int); break; /* INT, FLIP, CROP */
    }
    memcpy(field(opt, dst), cfield(opt, src), size);
}

/* A whole number in [min, max], all of text. */
static int whole(const char *text, double min, double max, long long *out) {
    char *end;
    errno = 0;
    long long x = strtoll(text, &end, 10);
    if (end == text || *end || errno || (double)x < min || (double)x > max)
        return -1;
    *out = x;
    return 0;
}

int vae_train_option_parse(const vae_train_option *opt, const char *text, vae_train_options *o, char *err,
                           size_t errlen) {
    void *v = field(opt, o);
    long long x;
    char *end;
    switch (opt->type) {
    case VAE_OPTION_INT:
    case VAE_OPTION_LONG:
    case VAE_OPTION_FLIP:
        if (whole(text, opt->min, opt->max, &x) != 0) {
            snprintf(err, errlen, "is not a whole number from %.0f to %.0f", opt->min, opt->max);
            return -1;
        }
        if (opt->type == VAE_OPTION_LONG)
            *(long *)v = (long)x;
        else
            *(int *)v = (int)x;
        return 0;
    case VAE_OPTION_U64: {
        errno = 0;
        unsigned long long u = strtoull(text, &end, 10);
        if (text[0] == '-' || text[0] == '+' || end == text || *end || errno) {
            snprintf(err, errlen, "is not a whole number from 0 to %llu", (unsigned long long)UINT64_MAX);
            return -1;
        }
        *(uint64_t *)v = (uint64_t)u;
        return 0;
    }
    case VAE_OPTION_FLOAT: {
        errno = 0;
        double d = strtod(text, &end);
        if (end == text || *end || errno || !isfinite(d) || d < opt->min || d > opt->max) {
            snprintf(err, errlen, "is not a number from %g to %g", opt->min, opt->max);
            return -1;
        }
        *(float *)v = (float)d;
        return 0;
    }
    case VAE_OPTION_DATA:
        if (!text[0] || strlen(text) >= sizeof o->data) {
            snprintf(err, errlen, "must be synthetic or a path of at most %zu characters", sizeof o->data - 1);
            return -1;
        }
        snprintf(o->data, sizeof o->data, "%s", text);
        return 0;
    case VAE_OPTION_CHANNELS: {
        int channels[VAE_LEVELS];
        if (vae_channels_parse(text, channels) != 0) {
            snprintf(err, errlen, "must be four positive widths like 32,64,128,256");
            return -1;
        }
        memcpy(o->model.channels, channels, sizeof channels);
        return 0;
    }
    case VAE_OPTION_CROP:
        if (strcmp(text, "auto") == 0)
            o->crop = VAE_CROP_AUTO;
        else if (strcmp(text, "square") == 0)
            o->crop = VAE_CROP_SQUARE;
        else if (whole(text, 1, VAE_MAX_IMAGE_SIDE, &x) == 0)
            o->crop = (int)x;
        else {
            snprintf(err, errlen, "must be auto, square or a side from 1 to %d pixels", VAE_MAX_IMAGE_SIDE);
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "has a type this build does not know");
    return -1;
}
