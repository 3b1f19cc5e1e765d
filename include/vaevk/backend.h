/* A backend owns the arenas (see vaevk/tensor.h) and runs programs (see
 * vaevk/program.h). Two exist: the CPU reference and Vulkan. Errors are
 * returned as -1 with one line in backend->error. */
#ifndef VAEVK_BACKEND_H
#define VAEVK_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vaevk/tensor.h"

typedef struct vae_backend vae_backend;

typedef enum {
    VAE_MIXED_NONE,      /* fp32 only: recording a mixed product fails */
    VAE_MIXED_EMULATED,  /* the same numbers from fp32 arithmetic, no faster */
    VAE_MIXED_MATRIX,    /* on matrix units (cooperative matrices): faster */
} vae_mixed_support;
typedef struct vae_recording vae_recording;

typedef struct {
    /* (Re)creates the arenas with the given sizes in words, zero-filled. */
    int (*alloc_arenas)(vae_backend *be, const uint32_t words[VAE_ARENA_COUNT]);
    /* Copies t.count words between host memory and a tensor. Only valid while
     * no submitted recording that touches the tensor is running. */
    int (*write)(vae_backend *be, vae_tensor t, const void *src);
    int (*read)(vae_backend *be, vae_tensor t, void *dst);
    /* Turns a program into something that can be submitted many times. */
    int (*record)(vae_backend *be, const vae_program *prog, vae_recording **out);
    /* Starts a recording; recordings run in submission order. */
    int (*submit)(vae_backend *be, vae_recording *rec);
    /* Waits until a submitted recording has finished. */
    int (*wait)(vae_backend *be, vae_recording *rec);
    void (*free_recording)(vae_backend *be, vae_recording *rec);
    void (*destroy)(vae_backend *be);
} vae_backend_vtable;

struct vae_backend {
    const vae_backend_vtable *vt;
    char name[160];   /* e.g. "cpu (reference)" or "Vulkan 0: NVIDIA H200" */
    int is_cpu;
    char error[512];
    /* Size limits a layout must respect, in bytes; 0 = none. The trainer
     * checks them before allocating, to name a batch size that fits. */
    uint64_t max_tensor_bytes;  /* one tensor (Vulkan: maxStorageBufferRange) */
    uint64_t max_arena_bytes;   /* one arena (Vulkan: maxMemoryAllocationSize) */
    /* How it computes products in VAE_PRECISION_MIXED (vaevk/program.h). */
    vae_mixed_support mixed;
};

/* -1 with one line in be->error when prog has a mixed product and be
 * computes fp32 only. Every backend's record calls it. */
int vae_backend_check_precision(vae_backend *be, const vae_program *prog);

/* Submit and wait. */
int vae_backend_run(vae_backend *be, vae_recording *rec);
/* Record, run once and free: for one-off programs. */
int vae_backend_run_program(vae_backend *be, const vae_program *prog);

/* The reference backend: plain C, every op as written in vaevk/ops.h. */
vae_backend *vae_reference_backend_create(void);

#endif
