/* The reference in double precision: the same programs run on the
 * float64 twins of every op (cpu/ops_f64.h), so whole-model gradients can be
 * checked by finite differences with PyTorch's gradcheck bar. All arenas but
 * IO and DATA hold doubles; the backend's read/write convert from and to float, and
 * these two move doubles unchanged. */
#ifndef VAEVK_CPU_REFERENCE_F64_H
#define VAEVK_CPU_REFERENCE_F64_H

#include "vaevk/backend.h"

vae_backend *vae_reference_backend_create_f64(void);
int vae_reference_write_f64(vae_backend *be, vae_tensor t, const double *src);
int vae_reference_read_f64(vae_backend *be, vae_tensor t, double *dst);

#endif
