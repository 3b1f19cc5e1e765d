/* A folder of images as a dataset: through its automatic cache, reused
 * while it matches the folder and rebuilt when it does not. Staleness is
 * decided by a signature of the folder's sorted file list (relative
 * paths, sizes, modification times) and the crop, recorded in the cache's
 * header: adding, removing, renaming, rewriting or touching any image, or
 * changing --crop, makes a new cache. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/cache_build.h"
#include "data/cache_format.h"
#include "data/fail.h"
#include "data/scan.h"
#include "vaevk/dataset.h"

#define AUTO_CACHE_NAME ".vae-vk-cache-64.bin"

void vae_cache_summary_free(vae_cache_summary *s) {
    free(s->skipped_list);
    s->skipped_list = NULL;
}

int vae_cache_build(const char *dir, const char *out_path, const vae_data_options *o,
                    vae_cache_summary *summary, char *err, size_t errlen) {
    scan_list list;
    memset(summary, 0, sizeof *summary);
    if (scan_images(dir, &list, err, errlen) != 0)
        return -1;
    int status = cache_build_list(dir, &list, scan_signature(&list, o->crop), out_path, o,
                                  summary, err, errlen);
    scan_list_free(&list);
    return status;
}

/* Opens path when it is a cache of this folder's current files; else says
 * why not in reason (unless there is no file at all). */
static int open_if_fresh(const char *path, uint64_t signature, vae_dataset **out, char *reason,
                         size_t reasonlen) {
    cache_header h;
    if (access(path, F_OK) != 0)
        return -1;
    if (cache_peek(path, &h) != 0 || h.signature != signature)
        return data_fail(reason, reasonlen, "%s does not match the folder's files or --crop", path);
    return vae_cache_open(path, out, reason, reasonlen);
}

static int build_and_open(const char *dir, const scan_list *list, uint64_t signature,
                          const char *path, const vae_data_options *o, vae_dataset **out,
                          vae_cache_summary *built, char *err, size_t errlen) {
    char reason[sizeof built->reason];
    snprintf(reason, sizeof reason, "%s", built->reason);
    if (cache_build_list(dir, list, signature, path, o, built, err, errlen) != 0)
        return -1;
    snprintf(built->reason, sizeof built->reason, "%s", reason);
    return vae_cache_open(path, out, err, errlen);
}

int vae_cache_open_for_dir(const char *dir, const vae_data_options *o, vae_dataset **out,
                           vae_cache_summary *built, char *err, size_t errlen) {
    memset(built, 0, sizeof *built);
    *out = NULL;
    scan_list list;
    if (scan_images(dir, &list, err, errlen) != 0)
        return -1;
    uint64_t signature = scan_signature(&list, o->crop);
    char in_dir[4200], fallback[4200] = "";
    snprintf(in_dir, sizeof in_dir, "%s/" AUTO_CACHE_NAME, dir);
    if (o->cache_dir)
        snprintf(fallback, sizeof fallback, "%s/" AUTO_CACHE_NAME, o->cache_dir);
    char why_in_dir[640] = "", why_fallback[640] = "";
    int status = 0;
    if (open_if_fresh(in_dir, signature, out, why_in_dir, sizeof why_in_dir) == 0 ||
        (*fallback && open_if_fresh(fallback, signature, out, why_fallback, sizeof why_fallback) == 0))
        goto done;
    snprintf(built->reason, sizeof built->reason, "%s",
             *why_in_dir ? why_in_dir : *why_fallback ? why_fallback : "no cache yet");
    if (access(dir, W_OK) == 0)
        status = build_and_open(dir, &list, signature, in_dir, o, out, built, err, errlen);
    else if (*fallback)
        status = build_and_open(dir, &list, signature, fallback, o, out, built, err, errlen);
    else {
        status = data_fail(err, errlen, "%s is read-only, so its cache cannot go there: run "
                           "vae-vk dataset prepare %s --out FILE and give --data FILE", dir, dir);
    }
done:
    scan_list_free(&list);
    return status;
}

void vae_skipped_line(const char *list, long skipped, int limit, char *out, size_t outlen) {
    size_t used = 0;
    int named = 0;
    out[0] = 0;
    for (const char *line = list; line && *line && named < limit; named++) {
        const char *colon = strstr(line, ": "), *end = strchr(line, '\n');
        if (!colon || !end || colon > end)
            break;
        int n = snprintf(out + used, outlen - used, "%s%.*s (%.*s)", named ? ", " : "",
                         (int)(colon - line), line, (int)(end - colon - 2), colon + 2);
        if (n < 0 || (size_t)n >= outlen - used)
            break;
        used += (size_t)n;
        line = end + 1;
    }
    if (skipped > named && used < outlen)
        snprintf(out + used, outlen - used, "%sand %ld more", named ? ", " : "", skipped - named);
}
