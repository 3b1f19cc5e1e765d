/* Every option of a training run, described once: the flag `vae-vk train`
 * takes, the range its value must lie in, its key in a checkpoint's
 * metadata, its name in the run report, and whether a resumed run may
 * change it. The command line, checkpoints (saved and loaded) and the
 * report all go through this table, so an option cannot be parsed in one
 * place and forgotten in another. */
#ifndef VAEVK_TRAIN_OPTIONS_H
#define VAEVK_TRAIN_OPTIONS_H

#include <stddef.h>

#include "vaevk/train.h"

typedef enum {
    VAE_OPTION_INT,
    VAE_OPTION_LONG,
    VAE_OPTION_U64,
    VAE_OPTION_FLOAT,
    VAE_OPTION_FLIP,     /* flip, 1 or 0; train's flag is --no-flip */
    VAE_OPTION_DATA,     /* "synthetic" or a path */
    VAE_OPTION_CHANNELS, /* four widths: "32,64,128,256" */
    VAE_OPTION_CROP,     /* auto, square or a side in pixels */
} vae_option_type;

typedef struct {
    const char *flag;    /* train's --flag */
    const char *key;     /* the checkpoint's metadata key */
    const char *label;   /* the report's name for it */
    const char *help;    /* train --help, with the default */
    vae_option_type type;
    size_t offset;       /* of the value in vae_train_options */
    double min, max;     /* numbers: the inclusive range */
    int resumable;       /* train --resume may change it */
    int optional;        /* absent from older checkpoints: the default then */
    const char *zero;    /* what 0 means, for the report ("none"), or NULL */
} vae_train_option;

extern const vae_train_option vae_train_option_table[];
extern const int vae_train_option_count;

/* The entry for train's --flag, or NULL. */
const vae_train_option *vae_train_option_by_flag(const char *flag);
/* The value as text: what a checkpoint stores and the report shows
 * ("0.001", "32,64,128,256", "auto"). */
void vae_train_option_format(const vae_train_option *opt, const vae_train_options *o, char *out, size_t len);
/* Copies the option's value from src to dst. */
void vae_train_option_copy(const vae_train_option *opt, vae_train_options *dst, const vae_train_options *src);
/* Sets the value from text, checking its form and range; -1 with what is
 * wrong with the value in err, for the caller to name it: "is not a number
 * from 1e-12 to 10", "must be four positive widths like 32,64,128,256". */
int vae_train_option_parse(const vae_train_option *opt, const char *text, vae_train_options *o, char *err,
                           size_t errlen);

#endif
