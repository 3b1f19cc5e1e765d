/* A test double for mixed precision: a backend that claims mixed products
 * (VAE_MIXED_EMULATED) but records every program with its products in
 * fp32, as a shader or kernel that forgot to round would. The mixed checks
 * must fail on it. Header-only, like check.h. */
#ifndef VAEVK_TESTS_COMMON_FP32_PRETENDING_H
#define VAEVK_TESTS_COMMON_FP32_PRETENDING_H

#include <stdio.h>

#include "vaevk/backend.h"

typedef struct {
    vae_backend base;
    vae_backend *inner; /* does all the work; destroyed with this one */
} fp32_pretending;

static inline vae_backend *fp32p_inner(vae_backend *be) { return ((fp32_pretending *)be)->inner; }
static inline int fp32p_alloc(vae_backend *be, const uint32_t w[VAE_ARENA_COUNT]) {
    return fp32p_inner(be)->vt->alloc_arenas(fp32p_inner(be), w);
}
static inline int fp32p_write(vae_backend *be, vae_tensor t, const void *src) {
    return fp32p_inner(be)->vt->write(fp32p_inner(be), t, src);
}
static inline int fp32p_read(vae_backend *be, vae_tensor t, void *dst) {
    return fp32p_inner(be)->vt->read(fp32p_inner(be), t, dst);
}
static inline int fp32p_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    vae_program fp32 = {0};
    for (int i = 0; i < prog->count; i++) {
        vae_op op = prog->ops[i];
        op.precision = VAE_PRECISION_FP32;
        if (vae_program_push(&fp32, &op) != 0)
            return -1;
    }
    int status = fp32p_inner(be)->vt->record(fp32p_inner(be), &fp32, out);
    vae_program_free(&fp32);
    return status;
}
static inline int fp32p_submit(vae_backend *be, vae_recording *r) {
    return fp32p_inner(be)->vt->submit(fp32p_inner(be), r);
}
static inline int fp32p_wait(vae_backend *be, vae_recording *r) {
    return fp32p_inner(be)->vt->wait(fp32p_inner(be), r);
}
static inline void fp32p_free(vae_backend *be, vae_recording *r) {
    fp32p_inner(be)->vt->free_recording(fp32p_inner(be), r);
}
static inline void fp32p_destroy(vae_backend *be) { fp32p_inner(be)->vt->destroy(fp32p_inner(be)); }

/* Wraps inner (a backend that computes fp32 or mixed) in *p. */
static inline vae_backend *fp32_pretending_wrap(fp32_pretending *p, vae_backend *inner) {
    static const vae_backend_vtable vt = {fp32p_alloc, fp32p_write, fp32p_read, fp32p_record,
                                          fp32p_submit, fp32p_wait, fp32p_free, fp32p_destroy};
    *p = (fp32_pretending){.inner = inner};
    p->base.vt = &vt;
    p->base.mixed = VAE_MIXED_EMULATED;
    snprintf(p->base.name, sizeof p->base.name, "fp32 pretending to be mixed (%.100s)", inner->name);
    return &p->base;
}

#endif
