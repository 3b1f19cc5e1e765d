/* Shared by the dataset tests: helpers that build image folders on the fly
 * (the check and allocation helpers come from tests/common/check.h). */
#ifndef VAEVK_TESTS_DATASET_CHECK_H
#define VAEVK_TESTS_DATASET_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/check.h"
#include "stb_image_write.h"

static inline void die(const char *what, const char *path) {
    fprintf(stderr, "test set-up failed: %s %s: %s\n", what, path, strerror(errno));
    exit(2);
}

/* A fresh folder under $TMPDIR; removed by remove_tree. */
static inline void make_temp_dir(char *out, size_t len, const char *tag) {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(out, len, "%s/vaevk-%s-XXXXXX", base, tag);
    if (!mkdtemp(out))
        die("mkdtemp", out);
}

static inline void remove_tree(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
}

/* mkdir -p of root/rel's folders (rel may end in a file name). */
static inline void make_parents(const char *root, const char *rel) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            die("mkdir", path);
        *p = '/';
    }
}

static inline void write_bytes(const char *root, const char *rel, const void *data, size_t n) {
    char path[1200];
    make_parents(root, rel);
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, n, 1, f) != 1) || fclose(f) != 0)
        die("writing", path);
}

/* Writes an image with `comp` channels as PNG, BMP or JPEG by extension. */
static inline void write_image(const char *root, const char *rel, const uint8_t *px, int w, int h,
                               int comp) {
    char path[1200];
    make_parents(root, rel);
    snprintf(path, sizeof path, "%s/%s", root, rel);
    const char *ext = strrchr(rel, '.');
    int ok = strcmp(ext, ".bmp") == 0   ? stbi_write_bmp(path, w, h, comp, px)
             : strcmp(ext, ".jpg") == 0 ? stbi_write_jpg(path, w, h, comp, px, 95)
                                        : stbi_write_png(path, w, h, comp, px, w * comp);
    if (!ok)
        die("writing image", path);
}

/* The whole of a file, malloc'd; *n its length. */
static inline uint8_t *read_all(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0)
        die("reading", path);
    uint8_t *b = test_alloc((size_t)st.st_size);
    *n = fread(b, 1, (size_t)st.st_size, f);
    fclose(f);
    return b;
}

#endif
