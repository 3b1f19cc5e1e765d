/* The model written once as programs of ops (see vaevk/program.h): the
 * training step, and the encoder and decoder alone for the face commands. */
#ifndef VAEVK_GRAPH_H
#define VAEVK_GRAPH_H

#include "vaevk/model.h"
#include "vaevk/program.h"

/* PyTorch's defaults; betas are doubles as in PyTorch (see adam_update). */
#define VAE_ADAM_BETA1 0.9
#define VAE_ADAM_BETA2 0.999
#define VAE_ADAM_EPS 1e-8f

typedef struct {
    int from_pixels;  /* x from the uint8 pixels tensor (else x is written by the host) */
    /* with from_pixels: x gathered from these resident images by the
     * indices tensor instead (NULL: from the pixels tensor) */
    const vae_resident *gather;
    int eps_from_rng; /* eps from the EPS stream (else eps is written by the host) */
    int adam;         /* finish with the optimiser step */
    /* the products' precision; mixed also checks the gradients for inf
     * and NaN before Adam and updates the loss scale after it */
    vae_precision precision;
} vae_step_options;

/* pixels or x -> loss terms in step_out, gradients in the GRADS arena and,
 * with opts->adam, updated parameters and moments. Returns 0 or -1 (memory). */
int vae_build_train_step(vae_program *p, const vae_layout *lay, const vae_step_options *opts);
/* pixels or x -> mu, log_var. */
int vae_build_encode(vae_program *p, const vae_layout *lay, int from_pixels);
/* z -> xhat (lay->dec_act[3]). */
int vae_build_decode(vae_program *p, const vae_layout *lay);
/* pixels -> x -> mu, log_var -> z (eps from the EPS stream at step_in.step)
 * -> xhat -> loss terms: the training step's forward pass and loss with no
 * backward pass and no Adam, for validation. Per-image terms stay in
 * lay->sse and lay->kl. */
int vae_build_eval(vae_program *p, const vae_layout *lay);

#endif
