/* Dynamic loss scaling (vaevk/tensor.h's vae_loss_scaler): the check of a
 * step's gradients (float and double twins from one body, see
 * cpu/ops_template.h) and the update at the step's end. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"

#include <math.h>

#define OPS_BODY "cpu/ops_loss_scale.inc"
#include "cpu/ops_template.h"

void loss_scale_update(vae_loss_scaler *s, vae_step_out *out, int interval) {
    if (s->found) {
        s->scale = s->scale * 0.5f > VAE_LOSS_SCALE_MIN ? s->scale * 0.5f : VAE_LOSS_SCALE_MIN;
        s->clean = 0;
        s->skipped++;
    } else if (++s->clean >= (uint32_t)interval) {
        s->scale = s->scale * 2.0f < VAE_LOSS_SCALE_MAX ? s->scale * 2.0f : VAE_LOSS_SCALE_MAX;
        s->clean = 0;
    }
    s->found = 0;
    out->loss_scale = s->scale;
    out->skipped = s->skipped;
}
