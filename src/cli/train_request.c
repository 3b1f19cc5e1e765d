/* The training options on a command line, parsed from the one table
 * (vaevk/train_options.h), for train and sweep. */
#include "cli/train_request.h"

#include <stdio.h>
#include <string.h>

#include "cli/data_open.h"
#include "vaevk/train_options.h"

#define MAX_SPECS 48

void train_request_init(train_request *q) {
    memset(q, 0, sizeof *q);
    vae_train_options_default(&q->o);
}

/* The arg_spec of a training option: numbers straight into q->o with the
 * table's range (the parser's own messages), the rest as text. */
static arg_spec option_spec(train_request *q, const vae_train_option *opt, const char **text, int *flag) {
    void *at = (char *)&q->o + opt->offset;
    switch (opt->type) {
    case VAE_OPTION_INT: return (arg_spec){opt->flag, ARG_INT, at, opt->min, opt->max, opt->help, 0};
    case VAE_OPTION_LONG: /* the command line counts from 1: 0 is only a checkpoint's "no cap" */
        return (arg_spec){opt->flag, ARG_LONG, at, opt->min > 1 ? opt->min : 1, opt->max, opt->help, 0};
    case VAE_OPTION_U64: return (arg_spec){opt->flag, ARG_U64, at, 1, 0, opt->help, 0};
    case VAE_OPTION_FLOAT: return (arg_spec){opt->flag, ARG_FLOAT, at, opt->min, opt->max, opt->help, 0};
    case VAE_OPTION_FLIP: return (arg_spec){opt->flag, ARG_FLAG, flag, 1, 0, opt->help, 0};
    default: return (arg_spec){opt->flag, ARG_STRING, text, 1, 0, opt->help, 0};
    }
}

static int skipped(const char *flag, const char *const *skip) {
    for (; skip && *skip; skip++)
        if (strcmp(*skip, flag) == 0)
            return 1;
    return 0;
}

/* The text options (data, channels, crop) and --no-flip, once parsed. */
static int apply(train_request *q, const char *cmd, const vae_train_option *opt, const char *text) {
    char err[300];
    if (opt->type == VAE_OPTION_FLIP)
        q->o.flip = 0;
    else if (text && vae_train_option_parse(opt, text, &q->o, err, sizeof err) != 0) {
        int quote = opt->type != VAE_OPTION_CROP;
        fprintf(stderr, "vae-vk %s: --%s %s%s%s %s\n", cmd, opt->flag, quote ? "'" : "", text, quote ? "'" : "",
                err);
        return -1;
    }
    if (opt->type == VAE_OPTION_DATA && cli_data_spec(cmd, text, q->o.data, sizeof q->o.data) != 0)
        return -1;
    return 0;
}

int train_request_parse(train_request *q, const char *cmd, const char *usage, const char *const *skip,
                        const arg_spec *own, int nown, int argc, char **argv) {
    const int nopt = vae_train_option_count;
    const char *text[TRAIN_MAX_OPTIONS] = {0};
    int flag[TRAIN_MAX_OPTIONS] = {0}, option_of[MAX_SPECS];
    arg_spec specs[MAX_SPECS];
    int n = 0;
    if (nopt > TRAIN_MAX_OPTIONS || nopt + nown > MAX_SPECS) {
        fprintf(stderr, "vae-vk %s: too many options for this build's parser\n", cmd);
        return -1;
    }
    for (int i = 0; i < nopt; i++) {
        if (skipped(vae_train_option_table[i].flag, skip))
            continue;
        option_of[n] = i;
        specs[n++] = option_spec(q, &vae_train_option_table[i], &text[i], &flag[i]);
    }
    const int ntable = n;
    for (int i = 0; i < nown; i++)
        specs[n++] = own[i];
    int status = args_parse(cmd, usage, specs, n, argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status;
    for (int s = 0; s < ntable; s++) {
        int i = option_of[s];
        if (!specs[s].seen)
            continue;
        if (apply(q, cmd, &vae_train_option_table[i], text[i]) != 0)
            return -1;
        q->given[i] = 1;
    }
    /* the command's own specs report what they saw through their value pointers */
    return 0;
}
