#include "cli/run_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file_write.h"

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

/* Removes the files DIR/NAME.tmp: what a killed save, log rewrite or image
 * write left behind. */
static void remove_stale_temps(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0) {
            char path[2100];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

int run_dir_claim(run_claim *c, const char *dir, int must_exist, char *err, size_t errlen) {
    c->fd = -1;
    c->created = 0;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    if (!must_exist) {
        c->created = !file_exists(dir);
        if (make_dirs(dir, err, errlen) != 0)
            return -1;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_LOCK);
    c->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (c->fd < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot open %s: %s%s", path, strerror(e), file_write_hint(e));
        run_dir_release(c, 1);
        return -1;
    }
    if (flock(c->fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t got = pread(c->fd, pid, sizeof pid - 1, 0);
        pid[got > 0 ? got : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        snprintf(err, errlen, "%s is in use by %s%s (a train or report writing there): wait for it to finish, "
                              "or choose another directory", dir, pid[0] ? "process " : "another process",
                 pid);
        close(c->fd);
        c->fd = -1;
        c->created = 0; /* someone else's */
        return -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(c->fd, 0) != 0 || pwrite(c->fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        snprintf(err, errlen, "cannot write %s: %s%s", path, strerror(e), file_write_hint(e));
        run_dir_release(c, 1);
        return -1;
    }
    remove_stale_temps(dir);
    return 0;
}

void run_dir_release(run_claim *c, int failed) {
    if (failed && c->created) {
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", c->dir, RUN_LOCK);
        unlink(path);
        rmdir(c->dir); /* only if nothing else is in it */
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->created = 0;
}

/* A whole row: `fields` comma-separated fields, the step column an integer. */
static int whole_row(const char *line, int fields, int step_column, long *step) {
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n')
        return 0;
    int n = 1;
    for (const char *p = line; *p; p++)
        n += *p == ',';
    if (n != fields)
        return 0;
    const char *col = line;
    for (int i = 0; i < step_column; i++)
        col = strchr(col, ',') + 1;
    char *end;
    errno = 0;
    *step = strtol(col, &end, 10);
    return end != col && (*end == ',' || *end == '\n') && !errno;
}

int run_csv_open(const char *path, const char *header, int fields, int step_column, long keep_below,
                 const run_csv_older *older, FILE **f, char *err, size_t errlen) {
    /* the rows to keep, then the file rewritten with the header on top */
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    if (!text) {
        snprintf(err, errlen, "out of memory rewriting %s", path);
        return -1;
    }
    len = (size_t)snprintf(text, cap, "%s\n", header);
    FILE *in = fopen(path, "r");
    char line[1024];
    while (in && fgets(line, sizeof line, in)) {
        long step;
        int old = older && whole_row(line, older->fields, step_column, &step);
        if (!(old || whole_row(line, fields, step_column, &step)) || step >= keep_below)
            continue; /* the header, torn rows, and the rows a crash left past the checkpoint */
        if (old) { /* the row as this version writes it: the new fields appended */
            size_t end = strlen(line) - 1;
            snprintf(line + end, sizeof line - end, "%s\n", older->suffix);
        }
        size_t n = strlen(line);
        if (len + n + 1 > cap) {
            char *more = realloc(text, cap = 2 * (len + n + 1));
            if (!more) {
                fclose(in);
                free(text);
                snprintf(err, errlen, "out of memory rewriting %s", path);
                return -1;
            }
            text = more;
        }
        memcpy(text + len, line, n + 1);
        len += n;
    }
    if (in)
        fclose(in);
    int status = file_write_atomic(path, text, len, err, errlen);
    free(text);
    if (status != 0)
        return -1;
    if (!(*f = fopen(path, "a"))) {
        int e = errno;
        snprintf(err, errlen, "cannot open %s: %s%s", path, strerror(e), file_write_hint(e));
        return -1;
    }
    return 0;
}
