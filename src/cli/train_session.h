/* This train process's row of RUN_DIR/sessions.csv (viz/run_sessions.h
 * reads the file for the report): when it started, when it last saved a
 * checkpoint, the steps it trained and its device. The file is rewritten
 * whole after every checkpoint, atomically, so it never holds a torn row;
 * the rows of earlier processes are kept as they are. */
#ifndef VAEVK_CLI_TRAIN_SESSION_H
#define VAEVK_CLI_TRAIN_SESSION_H

#include <stddef.h>

#include "vaevk/device.h"

typedef struct {
    char path[1100];
    char *earlier;       /* the earlier rows, header included; NULL: none */
    long long started;   /* Unix seconds */
    long first_step;
    char device[32];     /* "cpu", "reference", "vulkan N" */
} train_session;

/* The device the run's latest session trained on, for a resumed run that
 * names none: 0 with *d set, 1 when no session says (an older run), -1
 * with one line in err when its device is not one vae-vk knows. */
int train_session_last_device(const char *dir, vae_device *d, char *err, size_t errlen);

/* Begins a row for training from first_step on device d (resolved). */
int train_session_begin(train_session *s, const char *dir, long first_step, const vae_device *d, char *err,
                        size_t errlen);
/* Writes the file with this process's row ended now at last_step. */
int train_session_save(train_session *s, long last_step, char *err, size_t errlen);
void train_session_free(train_session *s);

#endif
