#include "cli/train_session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/file_write.h"
#include "viz/run_sessions.h"

#define HEADER "started,ended,first_step,last_step,device\n"

/* The whole lines of DIR/sessions.csv under its header, or just the
 * header when the file is missing or not one (a damaged file is not worth
 * stopping a run for: the report then shows the sessions from now on). */
static char *earlier_rows(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)n + 1)) && fread(text, 1, (size_t)n, f) == (size_t)n) {
        text[n] = '\0';
        char *end = strrchr(text, '\n');
        if (end)
            end[1] = '\0'; /* a torn last line cannot happen with atomic writes, but costs nothing */
        if (strncmp(text, HEADER, strlen(HEADER)) != 0 || !end)
            text[0] = '\0';
    }
    if (f)
        fclose(f);
    if (!text || !text[0]) {
        free(text);
        text = malloc(sizeof HEADER);
        if (text)
            memcpy(text, HEADER, sizeof HEADER);
    }
    return text;
}

static void device_column(const vae_device *d, char *out, size_t len) {
    if (d->kind == VAE_DEVICE_VULKAN)
        snprintf(out, len, "vulkan %d", d->vulkan_index);
    else
        vae_device_text(d, out, len);
}

int train_session_last_device(const char *dir, vae_device *d, char *err, size_t errlen) {
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_SESSIONS_FILE);
    char *rows = earlier_rows(path);
    if (!rows) {
        snprintf(err, errlen, "out of memory reading %s", path);
        return -1;
    }
    int status = 1;
    size_t n = strlen(rows);
    if (n > strlen(HEADER)) {
        rows[n - 1] = '\0';
        const char *device = strrchr(rows, ',') + 1; /* the last row's last column */
        const char *text = strncmp(device, "vulkan ", 7) == 0 ? device + 7 : device;
        char why[300];
        status = 0;
        if (vae_device_parse(text, 0, d, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s names device '%.40s', which vae-vk does not know: give --device", path, device);
            status = -1;
        }
    }
    free(rows);
    return status;
}

int train_session_begin(train_session *s, const char *dir, long first_step, const vae_device *d, char *err,
                        size_t errlen) {
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s/%s", dir, RUN_SESSIONS_FILE);
    if (!(s->earlier = earlier_rows(s->path))) {
        snprintf(err, errlen, "out of memory reading %s", s->path);
        return -1;
    }
    s->started = (long long)time(NULL);
    s->first_step = first_step;
    device_column(d, s->device, sizeof s->device);
    return 0;
}

int train_session_save(train_session *s, long last_step, char *err, size_t errlen) {
    size_t n = strlen(s->earlier);
    char row[128];
    int len = snprintf(row, sizeof row, "%lld,%lld,%ld,%ld,%s\n", s->started, (long long)time(NULL),
                       s->first_step, last_step, s->device);
    char *text = malloc(n + (size_t)len + 1);
    if (!text) {
        snprintf(err, errlen, "out of memory writing %s", s->path);
        return -1;
    }
    memcpy(text, s->earlier, n);
    memcpy(text + n, row, (size_t)len + 1);
    int status = file_write_atomic(s->path, text, n + (size_t)len, err, errlen);
    free(text);
    return status;
}

void train_session_free(train_session *s) {
    free(s->earlier);
    s->earlier = NULL;
}
