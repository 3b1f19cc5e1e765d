#include "vaevk/backend.h"

int vae_backend_run(vae_backend *be, vae_recording *rec) {
    if (be->vt->submit(be, rec) != 0)
        return -1;
    return be->vt->wait(be, rec);
}

int vae_backend_run_program(vae_backend *be, const vae_program *prog) {
    vae_recording *rec = NULL;
    if (be->vt->record(be, prog, &rec) != 0)
        return -1;
    int status = vae_backend_run(be, rec);
    be->vt->free_recording(be, rec);
    return status;
}
