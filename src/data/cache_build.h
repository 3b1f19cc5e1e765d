/* Building a cache from a folder's file list (see cache_format.h). */
#ifndef VAEVK_DATA_CACHE_BUILD_H
#define VAEVK_DATA_CACHE_BUILD_H

#include "data/scan.h"
#include "vaevk/dataset.h"

/* Decodes list's files (paths relative to dir) on o->threads threads and
 * writes the cache to out_path.tmp.PID, then renames it to out_path. The
 * header records `signature`. out_path.tmp.PID files of processes that no
 * longer run (builds that were killed) are removed first. 0, or -1 + err. */
int cache_build_list(const char *dir, const scan_list *list, uint64_t signature,
                     const char *out_path, const vae_data_options *o, vae_cache_summary *summary,
                     char *err, size_t errlen);

#endif
