#include "cli/args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_usage(const char *cmd, const char *usage, const arg_spec *specs, int n) {
    printf("usage: vae-vk %s %s\n\noptions:\n", cmd, usage);
    for (int i = 0; i < n; i++) {
        const char *meta = specs[i].kind == ARG_FLAG ? "" : specs[i].kind == ARG_STRING ? " TEXT" : " N";
        char left[64];
        snprintf(left, sizeof left, "--%s%s", specs[i].name, meta);
        printf("  %-24s %s\n", left, specs[i].help);
    }
}

static int in_range(const arg_spec *s, double v) {
    return s->min > s->max || (v >= s->min && v <= s->max);
}

static int range_error(const char *cmd, const arg_spec *s, const char *text) {
    fprintf(stderr, "vae-vk %s: --%s %s is out of range: it must be between %g and %g\n", cmd,
            s->name, text, s->min, s->max);
    return -1;
}

static int set_value(const char *cmd, arg_spec *s, const char *text) {
    char *end = NULL;
    errno = 0;
    switch (s->kind) {
    case ARG_FLAG:
        *(int *)s->value = 1;
        return 0;
    case ARG_STRING:
        *(const char **)s->value = text;
        return 0;
    case ARG_FLOAT: {
        double v = strtod(text, &end);
        if (end == text || *end || errno || !isfinite(v))
            break;
        if (!in_range(s, v))
            return range_error(cmd, s, text);
        *(float *)s->value = (float)v;
        return 0;
    }
    case ARG_INT:
    case ARG_LONG:
    case ARG_U64: {
        if (s->kind == ARG_U64) {
            if (text[0] == '-')
                break;
            unsigned long long v = strtoull(text, &end, 10);
            if (end == text || *end || errno)
                break;
            *(uint64_t *)s->value = (uint64_t)v;
            return 0;
        }
        long long v = strtoll(text, &end, 10);
        if (end == text || *end || errno)
            break;
        if (!in_range(s, (double)v))
            return range_error(cmd, s, text);
        if (s->kind == ARG_INT)
            *(int *)s->value = (int)v;
        else
            *(long *)s->value = (long)v;
        return 0;
    }
    }
    fprintf(stderr, "vae-vk %s: --%s expects %s, got '%s'\n", cmd, s->name,
            s->kind == ARG_FLOAT ? "a number" : "a whole number", text);
    return -1;
}

const arg_spec *args_find(const arg_spec *specs, int nspecs, const char *name) {
    for (int i = 0; i < nspecs; i++)
        if (strcmp(specs[i].name, name) == 0)
            return &specs[i];
    return NULL;
}

int args_parse(const char *cmd, const char *usage, arg_spec *specs, int nspecs, int argc,
               char **argv, const char **positional, int max_positional, int *npositional) {
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(cmd, usage, specs, nspecs);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (npos >= max_positional) {
                fprintf(stderr, "vae-vk %s: unexpected argument '%s' (see vae-vk %s --help)\n",
                        cmd, a, cmd);
                return -1;
            }
            positional[npos++] = a;
            continue;
        }
        char name[64];
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        snprintf(name, sizeof name, "%.*s", (int)len, a + 2);
        arg_spec *s = (arg_spec *)args_find(specs, nspecs, name);
        if (!s) {
            fprintf(stderr, "vae-vk %s: unknown option --%s (see vae-vk %s --help)\n", cmd, name, cmd);
            return -1;
        }
        const char *text = eq ? eq + 1 : NULL;
        if (s->kind == ARG_FLAG && text) {
            fprintf(stderr, "vae-vk %s: --%s takes no value\n", cmd, name);
            return -1;
        }
        if (s->kind != ARG_FLAG && !text) {
            if (i + 1 >= argc) {
                fprintf(stderr, "vae-vk %s: --%s needs a value\n", cmd, name);
                return -1;
            }
            if (strncmp(argv[i + 1], "--", 2) == 0) {
                /* `--out --quiet`: the value was forgotten, not a file named --quiet */
                fprintf(stderr, "vae-vk %s: --%s needs a value, not the option %s (write --%s=%s if that "
                                "is the value meant)\n", cmd, name, argv[i + 1], name, argv[i + 1]);
                return -1;
            }
            text = argv[++i];
        }
        if (set_value(cmd, s, text) != 0)
            return -1;
        s->seen = 1;
    }
    if (npositional)
        *npositional = npos;
    return 0;
}
