/* A small option parser shared by every command: `--name value`,
 * `--name=value` and bare `--flag`, each checked for type and range. */
#ifndef VAEVK_CLI_ARGS_H
#define VAEVK_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { ARG_FLAG, ARG_INT, ARG_LONG, ARG_U64, ARG_FLOAT, ARG_STRING } arg_kind;

typedef struct {
    const char *name;     /* without the leading -- */
    arg_kind kind;
    void *value;          /* int*, long*, uint64_t*, float*, const char** or int* (flag) */
    double min, max;      /* inclusive range for numbers; ignored when min > max */
    const char *help;
    int seen;             /* set by the parser */
} arg_spec;

/* Parses argv[first..argc) of command `cmd`. Positionals (words not starting
 * with --) go into positional[0..*npositional) up to max_positional. On error
 * prints one line to stderr and returns -1; on --help prints usage and
 * returns 1; else 0. */
int args_parse(const char *cmd, const char *usage, arg_spec *specs, int nspecs, int argc,
               char **argv, const char **positional, int max_positional, int *npositional);
const arg_spec *args_find(const arg_spec *specs, int nspecs, const char *name);

#endif
