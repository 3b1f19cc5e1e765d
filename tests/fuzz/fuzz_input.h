/* What the fuzzing harnesses share, header-only: the input as a file (the
 * readers under test take paths) and checks that fail loudly. A failed
 * check aborts, which libFuzzer and the sanitizers report as a crash with
 * the input that caused it. */
#ifndef VAEVK_TESTS_FUZZ_INPUT_H
#define VAEVK_TESTS_FUZZ_INPUT_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_REQUIRE(cond, ...)                 \
    do {                                        \
        if (!(cond)) {                          \
            fprintf(stderr, "fuzz: ");          \
            fprintf(stderr, __VA_ARGS__);       \
            fprintf(stderr, "\n");              \
            abort();                            \
        }                                       \
    } while (0)

static char fuzz_path[512];

static void fuzz_remove_input(void) { unlink(fuzz_path); }

/* Writes data to this process's input file (one per process and target,
 * rewritten for every input, removed at exit) and returns its path. */
static inline const char *fuzz_input_file(const uint8_t *data, size_t size, const char *target) {
    if (!fuzz_path[0]) {
        const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(fuzz_path, sizeof fuzz_path, "%s/vaevk-fuzz-%s-%ld", dir, target, (long)getpid());
        atexit(fuzz_remove_input);
    }
    int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FUZZ_REQUIRE(fd >= 0, "cannot write %s", fuzz_path);
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        FUZZ_REQUIRE(n > 0, "cannot write %s", fuzz_path);
        done += (size_t)n;
    }
    close(fd);
    return fuzz_path;
}

/* An error message as the project writes them: not empty, naming the
 * file when `path` is given, and, when one_line, one line. */
static inline void fuzz_check_error(const char *err, const char *path, int one_line) {
    FUZZ_REQUIRE(err[0] != 0, "a failure with no message");
    FUZZ_REQUIRE(!one_line || strchr(err, '\n') == NULL, "a message of more than one line: %s", err);
    FUZZ_REQUIRE(!path || strstr(err, path), "a message that does not name %s: %s", path, err);
}

#endif
