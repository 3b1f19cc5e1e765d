/* Replays a corpus through a fuzzing harness without libFuzzer: every
 * file of each folder given (or each file given) is read and handed to
 * LLVMFuzzerTestOneInput once, in sorted order. Built with the sanitizers
 * by gcc or clang, so every build checks the corpus in seconds; a crash,
 * a sanitizer report or a failed check ends it with an error. An empty or
 * missing corpus is a failure too: a replay of nothing proves nothing. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    uint8_t *data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    size_t size = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!data || size != (size_t)st.st_size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(data);
        return -1;
    }
    /* an exact-size copy, so the sanitizers catch a read one byte past it */
    uint8_t *exact = malloc(size ? size : 1);
    memcpy(exact, data, size);
    free(data);
    printf("%s (%zu bytes)\n", path, size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a folder, sorted; returns how many were replayed, -1 on error. */
static long replay_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown || !(grown[n] = strdup(de->d_name))) {
            closedir(d);
            return -1;
        }
        names = grown, n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    long done = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (done >= 0)
            done = replay_file(path) == 0 ? done + 1 : -1;
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long done = stat(argv[i], &st) != 0 ? -1
                    : S_ISDIR(st.st_mode)   ? replay_dir(argv[i])
                    : replay_file(argv[i]) == 0 ? 1 : -1;
        if (done <= 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], done == 0 ? "no inputs in it" : "cannot read it");
            return 1;
        }
        total += done;
    }
    printf("replayed %ld inputs: no crash, no sanitizer report\n", total);
    return 0;
}
