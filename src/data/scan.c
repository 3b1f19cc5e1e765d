/* See scan.h. */
#include "data/scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "data/hash64.h"

#define SCAN_SIGNATURE_VERSION 1 /* bump when what the signature covers changes */

int text_append_line(char **text, size_t *len, const char *path, const char *reason) {
    size_t add = strlen(path) + strlen(reason) + 3;
    char *grown = realloc(*text, *len + add + 1);
    if (!grown)
        return -1;
    *text = grown;
    *len += (size_t)snprintf(grown + *len, add + 1, "%s: %s\n", path, reason);
    return 0;
}

static int is_image_name(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    const char *ext[] = {".jpg", ".jpeg", ".png", ".bmp"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot, ext[i]) == 0)
            return 1;
    return 0;
}

static int add_entry(scan_list *l, const char *rel, const struct stat *st) {
    if (l->n == l->cap) {
        long cap = l->cap ? 2 * l->cap : 1024;
        scan_entry *e = realloc(l->e, (size_t)cap * sizeof *e);
        if (!e)
            return -1;
        l->e = e;
        l->cap = cap;
    }
    scan_entry *e = &l->e[l->n];
    if (!(e->path = strdup(rel)))
        return -1;
    e->size = (int64_t)st->st_size;
    e->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    l->n++;
    return 0;
}

/* Walks root/rel (rel "" for the root). -1 only when out of memory. */
static int walk(scan_list *l, const char *root, const char *rel) {
    char dir_path[8192];
    int n = snprintf(dir_path, sizeof dir_path, "%s%s%s", root, *rel ? "/" : "", rel);
    if (n >= (int)sizeof dir_path) {
        l->problems++;
        return text_append_line(&l->problem_list, &l->problem_len, rel, "path too long");
    }
    DIR *d = opendir(dir_path);
    if (!d) {
        l->problems++;
        return text_append_line(&l->problem_list, &l->problem_len, *rel ? rel : ".",
                                strerror(errno));
    }
    int status = 0;
    struct dirent *de;
    while (status == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char child[4096], full[8192];
        int nc = snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        if (nc >= (int)sizeof child || snprintf(full, sizeof full, "%s/%s", root, child) >= (int)sizeof full) {
            l->problems++;
            status = text_append_line(&l->problem_list, &l->problem_len, de->d_name, "path too long");
            continue;
        }
        struct stat st;
        int rc = lstat(full, &st), link = rc == 0 && S_ISLNK(st.st_mode);
        if (link)
            rc = stat(full, &st);
        if (rc != 0) {
            if (!link || is_image_name(de->d_name)) {
                l->problems++;
                status = text_append_line(&l->problem_list, &l->problem_len, child, strerror(errno));
            } else {
                l->ignored++; /* a dangling link that is no image anyway */
            }
            continue;
        }
        if (S_ISDIR(st.st_mode) && !link)
            status = walk(l, root, child);
        else if (S_ISREG(st.st_mode) && is_image_name(de->d_name))
            status = add_entry(l, child, &st);
        else
            l->ignored++; /* other files, links to folders, devices */
    }
    closedir(d);
    return status;
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const scan_entry *)a)->path, ((const scan_entry *)b)->path);
}

int scan_images(const char *root, scan_list *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", root, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a folder", root);
        return -1;
    }
    if (walk(out, root, "") != 0) {
        scan_list_free(out);
        snprintf(err, errlen, "out of memory listing %s", root);
        return -1;
    }
    qsort(out->e, (size_t)out->n, sizeof *out->e, by_path);
    return 0;
}

void scan_list_free(scan_list *l) {
    for (long i = 0; i < l->n; i++)
        free(l->e[i].path);
    free(l->e);
    free(l->problem_list);
    memset(l, 0, sizeof *l);
}

uint64_t scan_signature(const scan_list *l, int crop) {
    /* one record per file: its path, then size and mtime as 16 bytes;
     * hashing each record separately and chaining them keeps every field
     * boundary unambiguous */
    uint64_t sig = hash64_bytes(&(int64_t[2]){SCAN_SIGNATURE_VERSION, crop}, 16, 0);
    for (long i = 0; i < l->n; i++) {
        int64_t numbers[2] = {l->e[i].size, l->e[i].mtime_ns};
        uint64_t rec = hash64_bytes(l->e[i].path, strlen(l->e[i].path), sig);
        sig = hash64_bytes(numbers, sizeof numbers, rec);
    }
    return sig;
}
