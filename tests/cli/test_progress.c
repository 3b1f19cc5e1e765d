/* The progress line: the layout on its own (fields dropped by rank, never
 * wider than asked), then `vae-vk train` on a pseudo-terminal 60, 80 and
 * 200 columns wide (every redraw fits, in place, and says the elapsed time
 * and the time left), and into a pipe (plain lines, no escapes). */
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/check.h"
#include "cli/progress.h"

static void test_layout(void) {
    const progress_field f[] = {{"epoch 1/7", 3}, {"step 12/1750", 0}, {"loss 3527.91", 2},
                                {"(recon 3526.79, kl 95.18)", 6}, {"beta 0.012", 5}, {"39 img/s", 5},
                                {"elapsed 2m05s", 4}, {"ETA 22m10s", 1}};
    const int n = (int)(sizeof f / sizeof f[0]);
    char out[512];
    progress_layout(f, n, 500, out, sizeof out);
    CHECK(strcmp(out, "epoch 1/7  step 12/1750  loss 3527.91  (recon 3526.79, kl 95.18)  beta 0.012  "
                      "39 img/s  elapsed 2m05s  ETA 22m10s") == 0,
          "wide: every field in order, two spaces apart: \"%s\"", out);
    progress_layout(f, n, 79, out, sizeof out);
    CHECK(strcmp(out, "epoch 1/7  step 12/1750  loss 3527.91  beta 0.012  elapsed 2m05s  ETA 22m10s") == 0,
          "79 columns: the terms, then the later of two equal ranks (img/s) dropped: \"%s\"", out);
    progress_layout(f, n, 40, out, sizeof out);
    CHECK(strcmp(out, "step 12/1750  loss 3527.91  ETA 22m10s") == 0, "40 columns: step, loss, ETA: \"%s\"",
          out);
    progress_layout(f, n, 20, out, sizeof out);
    CHECK(strcmp(out, "step 12/1750") == 0, "20 columns: the step alone: \"%s\"", out);
    progress_layout(f, n, 5, out, sizeof out);
    CHECK(strcmp(out, "step ") == 0, "5 columns: the last field cut to fit: \"%s\"", out);
    const progress_field utf8[] = {{"\xce\xb2 0.5", 1}, {"xx", 0}};
    progress_layout(utf8, 2, 9, out, sizeof out);
    CHECK(strcmp(out, "\xce\xb2 0.5  xx") == 0, "a two-byte character takes one column: \"%s\"", out);
    for (int w = 1; w <= 140; w++) {
        progress_layout(f, n, w, out, sizeof out);
        if ((int)strlen(out) > w) {
            CHECK(0, "%d columns: %zu used", w, strlen(out));
            return;
        }
    }
    CHECK(1, "widths 1..140: never wider than asked");
}

/* Runs argv with stderr (and stdout) on a pseudo-terminal cols wide, or a
 * pipe when cols is 0; everything it printed, NUL-terminated. */
static char *run_captured(char *const argv[], int cols, int *status) {
    int fd;
    pid_t pid;
    if (cols > 0) {
        struct winsize ws = {.ws_row = 24, .ws_col = (unsigned short)cols};
        pid = forkpty(&fd, NULL, NULL, &ws);
    } else {
        int p[2];
        if (pipe(p) != 0)
            return NULL;
        pid = fork();
        if (pid == 0) {
            dup2(p[1], STDOUT_FILENO);
            dup2(p[1], STDERR_FILENO);
        }
        close(p[1]);
        fd = p[0];
    }
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        unsetenv("COLUMNS");
        execv(argv[0], argv);
        _exit(127);
    }
    size_t len = 0, cap = 1 << 16;
    char *text = malloc(cap);
    for (;;) {
        if (len + 4096 > cap && !(text = realloc(text, cap *= 2)))
            return NULL;
        ssize_t got = read(fd, text + len, cap - len - 1);
        if (got <= 0)
            break; /* EOF, or EIO on a pty whose other end closed */
        len += (size_t)got;
    }
    close(fd);
    waitpid(pid, status, 0);
    text[len] = '\0';
    return text;
}

/* Columns of a piece of terminal output, escape sequences not counted. */
static int visible_columns(const char *s, size_t n) {
    int cols = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
            for (i += 2; i < n && !(s[i] >= '@' && s[i] <= '~'); i++)
                ;
            continue;
        }
        cols += ((unsigned char)s[i] & 0xc0) != 0x80;
    }
    return cols;
}

static void test_terminal(const char *vaevk, const char *run_dir, int cols) {
    char out[600];
    snprintf(out, sizeof out, "%s/w%d", run_dir, cols);
    char *argv[] = {(char *)vaevk, "train", "--device", "cpu", "--threads", "1", "--channels", "4,8,8,16",
                    "--latent", "8", "--batch", "8", "--synthetic-count", "64", "--steps", "40",
                    "--out", out, NULL};
    int status = -1;
    char *text = run_captured(argv, cols, &status);
    CHECK(text && WIFEXITED(status) && WEXITSTATUS(status) == 0, "%d columns: train ran (status %d)", cols,
          status);
    if (!text)
        return;
    /* each redraw is "\r\033[K" and the line; a newline ends a line for good */
    int redraws = 0, widest = 0, complete = 0;
    char last[1024] = "";
    for (char *p = strstr(text, "\r\033[K"); p; p = strstr(p, "\r\033[K")) {
        p += 4;
        size_t n = strcspn(p, "\r\n");
        int w = visible_columns(p, n);
        widest = w > widest ? w : widest;
        redraws++;
        snprintf(last, sizeof last, "%.*s", (int)n, p);
        complete += strstr(last, "elapsed ") && strstr(last, "ETA ");
        p += n;
    }
    /* an epoch is 8 steps and its last step is always drawn: at least 5
     * draws however fast the machine, more when it is slow */
    CHECK(redraws >= 5, "%d columns: the line was drawn in place %d times", cols, redraws);
    CHECK(widest <= cols - 1, "%d columns: the widest redraw takes %d columns (at most %d)", cols, widest,
          cols - 1);
    CHECK(strstr(last, "step 40/40") && strstr(last, "ETA "), "%d columns: the last redraw has the step and "
          "the ETA: \"%s\"", cols, last);
    if (cols >= 80)
        CHECK(complete == redraws, "%d columns: every redraw shows elapsed and ETA (%d of %d)", cols, complete,
              redraws);
    if (cols >= 200)
        CHECK(strstr(last, "recon") && strstr(last, "img/s") && strstr(last, "beta") && strstr(last, "epoch"),
              "%d columns: every field is shown", cols);
    free(text);
}

static void test_pipe(const char *vaevk, const char *run_dir) {
    char out[600];
    snprintf(out, sizeof out, "%s/pipe", run_dir);
    char *argv[] = {(char *)vaevk, "train", "--device", "cpu", "--threads", "1", "--channels", "4,8,8,16",
                    "--latent", "8", "--batch", "8", "--synthetic-count", "64", "--steps", "8",
                    "--out", out, NULL};
    int status = -1;
    char *text = run_captured(argv, 0, &status);
    CHECK(text && WIFEXITED(status) && WEXITSTATUS(status) == 0, "into a pipe: train ran (status %d)", status);
    if (!text)
        return;
    CHECK(!strchr(text, '\r') && !strchr(text, '\033'), "into a pipe: no carriage returns or escapes");
    const char *line = strstr(text, "\nepoch 1/10  step 8/8  ");
    CHECK(line && strstr(line, "elapsed ") && strstr(line, "ETA "), "into a pipe: the last step as a plain line "
          "with elapsed and ETA");
    free(text);
}

int main(void) {
    test_layout();
    const char *vaevk = getenv("VAEVK");
    if (!vaevk) {
        printf("FAIL  VAEVK is not set: run through meson test\n");
        return 1;
    }
    char run_dir[] = "/tmp/vaevk-progress-XXXXXX";
    if (!mkdtemp(run_dir))
        return 1;
    test_terminal(vaevk, run_dir, 60);
    test_terminal(vaevk, run_dir, 80);
    test_terminal(vaevk, run_dir, 200);
    test_pipe(vaevk, run_dir);
    char rm[700];
    snprintf(rm, sizeof rm, "rm -rf '%s'", run_dir);
    if (system(rm) != 0)
        printf("note: could not remove %s\n", run_dir);
    return failures ? 1 : 0;
}
