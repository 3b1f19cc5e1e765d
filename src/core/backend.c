#include "vaevk/backend.h"

#include <stdio.h>

int vae_backend_check_precision(vae_backend *be, const vae_program *prog) {
    if (be->mixed != VAE_MIXED_NONE)
        return 0;
    for (int i = 0; i < prog->count; i++)
        if (prog->ops[i].precision == VAE_PRECISION_MIXED) {
            snprintf(be->error, sizeof be->error, "%s computes in fp32 only, and op %d (%s) is a "
                     "mixed-precision product (--precision fp32 runs here)", be->name, i,
                     vae_op_name(prog->ops[i].kind));
            return -1;
        }
    return 0;
}

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
