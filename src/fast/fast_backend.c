/* The fast CPU backend (vaevk/fast.h): arenas are 64-byte aligned host
 * memory; recording plans each op once (src/fast/fast_plan.c) and a submit
 * runs the plans in order, each op threaded over the cores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast/fast_internal.h"
#include "fast/fast_kernels.h"
#include "fast/fast_product.h"
#include "fast/fast_profile.h"
#include "fast/fast_threads.h"

static fast_backend *fast(vae_backend *be) { return (fast_backend *)be; }

static int fast_alloc_arenas(vae_backend *be, const uint32_t words[VAE_ARENA_COUNT]) {
    fast_backend *f = fast(be);
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        free(f->arena[a]);
        /* at least one line, so every arena has an address; whole lines */
        size_t bytes = ((size_t)words[a] * 4 + 63) / 64 * 64;
        f->arena[a] = aligned_alloc(64, bytes ? bytes : 64);
        f->words[a] = words[a];
        if (!f->arena[a]) {
            snprintf(be->error, sizeof be->error,
                     "out of memory allocating %zu MiB for the CPU backend: try a smaller --batch",
                     bytes >> 20);
            return -1;
        }
        memset(f->arena[a], 0, bytes ? bytes : 64);
    }
    return 0;
}

static int check_range(vae_backend *be, vae_tensor t) {
    const fast_backend *f = fast(be);
    if (t.arena >= VAE_ARENA_COUNT || t.offset + t.count > f->words[t.arena] || t.offset + t.count < t.offset) {
        snprintf(be->error, sizeof be->error, "tensor [%u, +%u) is outside arena %u of %u words", t.offset,
                 t.count, t.arena, t.arena < VAE_ARENA_COUNT ? f->words[t.arena] : 0);
        return -1;
    }
    return 0;
}

static int fast_write(vae_backend *be, vae_tensor t, const void *src) {
    if (check_range(be, t) != 0)
        return -1;
    memcpy(fast_at(fast(be), t), src, (size_t)t.count * 4);
    return 0;
}

static int fast_read(vae_backend *be, vae_tensor t, void *dst) {
    if (check_range(be, t) != 0)
        return -1;
    memcpy(dst, fast_at(fast(be), t), (size_t)t.count * 4);
    return 0;
}

static int fast_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    fast_backend *f = fast(be);
    if (vae_program_check(prog, f->words, be->error, sizeof be->error) != 0 ||
        vae_backend_check_precision(be, prog) != 0)
        return -1;
    vae_recording *rec = calloc(1, sizeof *rec);
    if (!rec || !(rec->step = calloc((size_t)(prog->count ? prog->count : 1), sizeof *rec->step))) {
        free(rec);
        snprintf(be->error, sizeof be->error, "out of memory recording a program");
        return -1;
    }
    rec->count = prog->count;
    if (fast_profile_wanted())
        rec->seconds = calloc((size_t)(prog->count ? prog->count : 1), sizeof *rec->seconds);
    for (int i = 0; i < prog->count; i++) {
        if (fast_plan_op(f, &prog->ops[i], &rec->step[i]) != 0) {
            char why[sizeof be->error];
            memcpy(why, be->error, sizeof why);
            snprintf(be->error, sizeof be->error, "op %d (%s): %.400s", i, vae_op_name(prog->ops[i].kind), why);
            rec->count = i;
            be->vt->free_recording(be, rec);
            return -1;
        }
    }
    *out = rec;
    return 0;
}

static int fast_submit(vae_backend *be, vae_recording *rec) {
    fast_backend *f = fast(be);
    for (int i = 0; i < rec->count; i++) {
        double start = rec->seconds ? fast_now() : 0;
        if (fast_run_step(f, &rec->step[i]) != 0)
            return -1;
        if (rec->seconds)
            rec->seconds[i] += fast_now() - start;
    }
    rec->submissions++;
    return 0;
}

static int fast_wait(vae_backend *be, vae_recording *rec) {
    (void)be;
    (void)rec;
    return 0;
}

static void fast_free_recording(vae_backend *be, vae_recording *rec) {
    (void)be;
    if (!rec)
        return;
    if (rec->seconds)
        fast_profile_report(rec->step, rec->seconds, rec->count, rec->submissions);
    for (int i = 0; i < rec->count; i++)
        fast_plan_free(&rec->step[i]);
    free(rec->seconds);
    free(rec->step);
    free(rec);
}

static void fast_destroy(vae_backend *be) {
    if (!be)
        return;
    fast_backend *f = fast(be);
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(f->arena[a]);
    free(f->scratch);
    free(f->keep);
    fast_pool_destroy(f->pool);
    free(be);
}

static const vae_backend_vtable fast_vtable = {
    fast_alloc_arenas, fast_write, fast_read, fast_record, fast_submit, fast_wait,
    fast_free_recording, fast_destroy,
};

vae_backend *vae_fast_backend_create(int threads, char *err, size_t errlen) {
    fast_backend *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory creating the CPU backend");
        return NULL;
    }
    f->base.vt = &fast_vtable;
    f->base.is_cpu = 1;
    /* binary16 operands rounded in the copies and panels (fast_plan_mixed) */
    f->base.mixed = VAE_MIXED_EMULATED;
    f->threads = vae_fast_threads(threads);
    f->kernels = fast_kernels_pick();
    if (!(f->pool = fast_pool_create(f->threads))) {
        snprintf(err, errlen, "cannot start %d threads for the CPU backend", f->threads);
        free(f);
        return NULL;
    }
    char cpu[128];
    fast_cpu_name(cpu, sizeof cpu);
    snprintf(f->base.name, sizeof f->base.name, "cpu: %s, %d thread%s, %s kernels", cpu, f->threads,
             f->threads == 1 ? "" : "s", f->kernels->name);
    return &f->base;
}
