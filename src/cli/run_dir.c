#include "cli/run_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int make_dirs(const char *path, char *err, size_t errlen) {
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errlen, "path too long: %s", path);
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create directory %s: %s", buf, strerror(errno));
                return -1;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a directory: choose another --out", path);
        return -1;
    }
    if (access(path, W_OK) != 0) {
        snprintf(err, errlen, "cannot write to %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Rewrites the log with only the rows before keep_below, through a temp file. */
static int trim_log(const char *path, long keep_below, char *err, size_t errlen) {
    FILE *in = fopen(path, "r");
    if (!in)
        return 0;
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fclose(in);
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, in)) {
        char *end;
        long step = strtol(line, &end, 10);
        if (end == line || step < keep_below)
            fputs(line, out); /* the header, and rows before the checkpoint */
    }
    fclose(in);
    if (fclose(out) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rewrite %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

FILE *run_log_open(const char *dir, long keep_below, char *err, size_t errlen) {
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_LOG);
    int existed = file_exists(path);
    if (existed && trim_log(path, keep_below, err, errlen) != 0)
        return NULL;
    FILE *f = fopen(path, "a");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (!existed)
        fprintf(f, "%s\n", RUN_LOG_HEADER);
    return f;
}
