/* RUN_DIR/sessions.csv: one row per `vae-vk train` process of a run (a
 * resumed run adds one), with the header
 *     started,ended,first_step,last_step,device
 * started and ended in whole Unix seconds, device as text ("cpu",
 * "vulkan 0"). Read here and summed up for the report. */
#ifndef VAEVK_VIZ_RUN_SESSIONS_H
#define VAEVK_VIZ_RUN_SESSIONS_H

#include <stddef.h>

#define RUN_SESSIONS_FILE "sessions.csv"
#define RUN_SESSIONS_MAX_DEVICES 8

typedef struct {
    int count;              /* rows */
    long long started;      /* the first row's start */
    long long ended;        /* the last row's end */
    long long seconds;      /* time spent training: the sum of ended - started */
    int ndevices;           /* distinct devices, in order of first use */
    char devices[RUN_SESSIONS_MAX_DEVICES][32];
} run_sessions;

/* 0 read (count >= 1), 1 no such file or no rows, -1 with one line in err
 * (unreadable, a missing column, a row that is not numbers). */
int run_sessions_read(const char *path, run_sessions *s, char *err, size_t errlen);

/* A duration as people write it: "45s", "6m12s", "1h02m", "26h00m". */
void run_format_duration(long long seconds, char *out, size_t outlen);

#endif
