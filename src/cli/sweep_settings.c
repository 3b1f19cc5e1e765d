#include "cli/sweep_settings.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_dir.h"
#include "io/file_write.h"
#include "vaevk/train_options.h"

/* The grid's two options are the sweep's own; every other training option
 * is shared by the runs and saved under its flag. */
static int in_grid(const vae_train_option *opt) {
    return strcmp(opt->flag, "beta-max") == 0 || strcmp(opt->flag, "anneal-epochs") == 0;
}

int sweep_list_parse(const char *flag, const char *text, double max, float *values, int *n) {
    char buf[512];
    *n = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *end;
        errno = 0;
        double v = strtod(item, &end);
        int bad = end == item || *end || errno || !isfinite(v) || v < 0 || v > max || *n == SWEEP_MAX_VALUES;
        for (int k = 0; !bad && k < *n; k++)
            bad = values[k] == (float)v;
        if (bad) {
            fprintf(stderr, "vae-vk sweep: --%s '%s' must be up to %d different numbers from 0 to %g, "
                            "separated by commas (like 0,1,10)\n", flag, text, SWEEP_MAX_VALUES, max);
            return -1;
        }
        values[(*n)++] = (float)v;
    }
    if (*n == 0) {
        fprintf(stderr, "vae-vk sweep: --%s needs at least one number (like 0,1,10)\n", flag);
        return -1;
    }
    return 0;
}

void sweep_list_format(const float *values, int n, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < n && used < len; k++)
        used += (size_t)snprintf(out + used, len - used, "%s%g", k ? "," : "", (double)values[k]);
}

static int write_settings(const char *path, const train_request *q, const sweep_grid *g) {
    char text[700], err[600];
    json_object *root = json_object_new_object(), *opts = json_object_new_object();
    json_object_object_add(root, "format", json_object_new_string(SWEEP_FORMAT));
    sweep_list_format(g->beta, g->nbeta, text, sizeof text);
    json_object_object_add(root, "beta", json_object_new_string(text));
    sweep_list_format(g->anneal, g->nanneal, text, sizeof text);
    json_object_object_add(root, "anneal-epochs", json_object_new_string(text));
    for (int i = 0; i < vae_train_option_count; i++) {
        const vae_train_option *opt = &vae_train_option_table[i];
        if (in_grid(opt))
            continue;
        vae_train_option_format(opt, &q->o, text, sizeof text);
        json_object_object_add(opts, opt->flag, json_object_new_string(text));
    }
    json_object_object_add(root, "options", opts);
    const char *json = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
    int status = file_write_atomic(path, json, strlen(json), err, sizeof err);
    if (status != 0)
        fprintf(stderr, "vae-vk sweep: %s\n", err);
    json_object_put(root);
    return status;
}

static const char *string_at(json_object *obj, const char *key) {
    json_object *v;
    return obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* One list of the grid: the file's, or the command line's when it matches. */
static int reconcile_list(const char *dir, const char *flag, const char *saved, int given, float *values, int *n,
                          double max) {
    char now[700];
    sweep_list_format(values, *n, now, sizeof now);
    if (given && strcmp(now, saved) != 0) {
        fprintf(stderr, "vae-vk sweep: %s holds a sweep over --%s %s, not %s (%s): give the same values, or "
                        "none to continue it, or choose another --out\n", dir, flag, saved, now, SWEEP_SETTINGS);
        return -1;
    }
    return given ? 0 : sweep_list_parse(flag, saved, max, values, n);
}

int sweep_settings_reconcile(const char *dir, train_request *q, sweep_grid *g, int beta_given, int anneal_given,
                             int *existing) {
    char path[1100], err[300];
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_SETTINGS);
    *existing = file_exists(path);
    if (!*existing)
        return write_settings(path, q, g);
    json_object *root = json_object_from_file(path), *opts = NULL;
    const char *format = string_at(root, "format"), *beta = string_at(root, "beta"),
               *anneal = string_at(root, "anneal-epochs");
    int status = -1;
    if (!root || !format || strcmp(format, SWEEP_FORMAT) != 0 || !beta || !anneal ||
        !json_object_object_get_ex(root, "options", &opts)) {
        fprintf(stderr, "vae-vk sweep: %s is not a settings file of vae-vk sweep (%s): remove it, or choose "
                        "another --out\n", path, SWEEP_FORMAT);
        goto done;
    }
    if (reconcile_list(dir, "beta", beta, beta_given, g->beta, &g->nbeta, 1e6) != 0 ||
        reconcile_list(dir, "anneal-epochs", anneal, anneal_given, g->anneal, &g->nanneal, 1e6) != 0)
        goto done;
    for (int i = 0; i < vae_train_option_count; i++) {
        const vae_train_option *opt = &vae_train_option_table[i];
        const char *saved = string_at(opts, opt->flag);
        char now[700];
        if (in_grid(opt))
            continue;
        if (!saved) {
            fprintf(stderr, "vae-vk sweep: %s lacks the option --%s: remove it, or choose another --out\n", path,
                    opt->flag);
            goto done;
        }
        vae_train_option_format(opt, &q->o, now, sizeof now);
        if (q->given[i] && strcmp(now, saved) != 0) {
            fprintf(stderr, "vae-vk sweep: %s holds a sweep with --%s %s, not %s (%s): give the same settings, "
                            "or none to continue it, or choose another --out\n", dir, opt->flag, saved, now,
                    SWEEP_SETTINGS);
            goto done;
        }
        if (!q->given[i] && vae_train_option_parse(opt, saved, &q->o, err, sizeof err) != 0) {
            fprintf(stderr, "vae-vk sweep: %s: --%s '%s' %s\n", path, opt->flag, saved, err);
            goto done;
        }
    }
    status = 0;
done:
    json_object_put(root);
    return status;
}
