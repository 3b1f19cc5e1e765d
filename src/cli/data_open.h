/* Opening --data for a command: the synthetic faces, a cache file, or a
 * folder through its automatic cache, with a progress bar while a cache is
 * built and one summary line (images, skipped files by name). */
#ifndef VAEVK_CLI_DATA_OPEN_H
#define VAEVK_CLI_DATA_OPEN_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/dataset.h"

/* --crop's text: "auto", "square" or a side in pixels. 0, or -1 after
 * printing one line for command cmd. */
int cli_parse_crop(const char *cmd, const char *text, int *crop);
/* The text of a crop setting, for messages and metadata. */
const char *cli_crop_name(int crop, char *buf, int buflen);

/* --data as a run records it: "synthetic", or the path made absolute so the
 * run resumes from any directory. 0, or -1 after printing one line. */
int cli_data_spec(const char *cmd, const char *data, char *out, size_t outlen);

/* Progress of the data layer's long work on a progress line; ctx is a
 * `progress *` (cli/progress.h). */
void cli_data_progress(void *ctx, const char *what, long done, long total);

/* Opens spec; cache_dir is where a read-only folder's cache goes (NULL:
 * nowhere). Prints the summary unless quiet. NULL after printing one
 * line. */
vae_dataset *cli_open_data(const char *cmd, const char *spec, int crop, const char *cache_dir,
                           long synthetic_count, uint64_t seed, int quiet);

#endif
