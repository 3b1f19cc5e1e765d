/* The image files of a folder: every .jpg/.jpeg/.png/.bmp (any case) under
 * it, recursively, in sorted order of their paths so that image i is the
 * same on every machine and filesystem. Names starting with '.' (hidden
 * files and folders, the automatic cache) are passed over; symbolic links
 * to files are followed, links to folders are not (no cycles). */
#ifndef VAEVK_DATA_SCAN_H
#define VAEVK_DATA_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *path;       /* relative to the root, '/'-separated */
    int64_t size;     /* bytes */
    int64_t mtime_ns; /* modification time */
} scan_entry;

typedef struct {
    scan_entry *e;
    long n, cap;
    long ignored;        /* other files (not an image name) */
    long problems;       /* folders or files that could not be listed */
    char *problem_list;  /* "path: reason" lines, NULL if none */
    size_t problem_len;
} scan_list;

/* Lists root. 0, or -1 + err when root itself cannot be read. */
int scan_images(const char *root, scan_list *out, char *err, size_t errlen);
void scan_list_free(scan_list *l);

/* Appends "path: reason\n" to a growing text; -1 when out of memory. */
int text_append_line(char **text, size_t *len, const char *path, const char *reason);

/* What the cache built from this list with this crop depends on: every
 * path, size and modification time, and the crop. */
uint64_t scan_signature(const scan_list *l, int crop);

#endif
