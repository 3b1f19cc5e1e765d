/* The CPU reference in double precision: the same programs run on the
 * float64 twins of every op (cpu/ops_f64.h), so whole-model gradients can be
 * checked by finite differences with PyTorch's gradcheck bar. All arenas but
 * IO hold doubles; the backend's read/write convert from and to float, and
 * these two move doubles unchanged. */
#ifndef VAEVK_CORE_CPU_F64_H
#define VAEVK_CORE_CPU_F64_H

#include "vaevk/backend.h"

vae_backend *vae_cpu_backend_create_f64(void);
int vae_cpu_write_f64(vae_backend *be, vae_tensor t, const double *src);
int vae_cpu_read_f64(vae_backend *be, vae_tensor t, double *dst);

#endif
