/* The run report: RUN_DIR/report.html, one self-contained page (images as
 * base64 data: URIs, charts as inline SVG, no scripts, no network) with a
 * table of contents, when and how long the run trained, the final samples,
 * the loss curves, per-epoch samples, reconstructions, an interpolation, a
 * traversal of the top latent dimensions, the per-dimension KL, the
 * model's analysis (the KL term decomposed, active units, likelihood
 * bounds, prior holes, marbles in the bell), the run's configuration and
 * its throughput. */
#ifndef VAEVK_VIZ_REPORT_H
#define VAEVK_VIZ_REPORT_H

#include <stddef.h>

#include "vaevk/train.h"

#define REPORT_FILE "report.html"

/* Writes DIR/report.html atomically for the run in DIR (its log.csv,
 * val.csv, sessions.csv, samples.png, samples_epoch_NNN.png; any may be
 * missing), drawing the model's pictures with t,
 * whose parameters are the run's. o and p are the run's options and
 * progress. 0, or -1 with one line in err. */
int viz_report_write(const char *dir, vae_trainer *t, const vae_train_options *o,
                     const vae_train_progress *p, char *err, size_t errlen);

#endif
