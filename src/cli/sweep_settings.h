/* A sweep's grid (the values of beta and of the ramp's length) and its
 * settings file, DIR/sweep.json: the grid and every shared training
 * option, written when the sweep starts, so a re-run continues the same
 * sweep or is refused. */
#ifndef VAEVK_CLI_SWEEP_SETTINGS_H
#define VAEVK_CLI_SWEEP_SETTINGS_H

#include "cli/train_request.h"

#define SWEEP_SETTINGS "sweep.json"
#define SWEEP_FORMAT "vae-vk-sweep-1"
#define SWEEP_MAX_VALUES 8

typedef struct {
    float beta[SWEEP_MAX_VALUES], anneal[SWEEP_MAX_VALUES];
    int nbeta, nanneal;
} sweep_grid;

/* "0,1,10" into values: up to SWEEP_MAX_VALUES distinct numbers from 0 to
 * max. 0, or -1 after printing one line naming --flag. */
int sweep_list_parse(const char *flag, const char *text, double max, float *values, int *n);
/* The list as text, "0,1,10". */
void sweep_list_format(const float *values, int n, char *out, size_t len);

/* Squares the command line with DIR/sweep.json. Without the file: writes
 * it from q and g. With it: what the command line did not give comes from
 * the file (into q->o and g), and what it gave must match the file, else
 * one line says which setting differs. *existing says whether the file was
 * there. 0, or -1 after printing one line. */
int sweep_settings_reconcile(const char *dir, train_request *q, sweep_grid *g, int beta_given, int anneal_given,
                             int *existing);

#endif
