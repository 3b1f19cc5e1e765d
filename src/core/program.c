#include "vaevk/program.h"

#include <stdlib.h>

int vae_program_push(vae_program *p, const vae_op *op) {
    if (p->count == p->capacity) {
        int capacity = p->capacity ? 2 * p->capacity : 64;
        vae_op *ops = realloc(p->ops, (size_t)capacity * sizeof *ops);
        if (!ops)
            return -1;
        p->ops = ops;
        p->capacity = capacity;
    }
    p->ops[p->count++] = *op;
    return 0;
}

void vae_program_free(vae_program *p) {
    free(p->ops);
    p->ops = NULL;
    p->count = p->capacity = 0;
}

static const struct {
    const char *name;
    int tensors;
} op_info[VAE_OP_COUNT] = {
    [VAE_OP_INPUT_CONVERT] = {"input_convert", 3},
    [VAE_OP_CONV2D_FWD] = {"conv2d_forward", 3},
    [VAE_OP_CONV2D_BWD_INPUT] = {"conv2d_backward_input", 3},
    [VAE_OP_CONV2D_BWD_WEIGHT] = {"conv2d_backward_weight", 3},
    [VAE_OP_CONVT_FWD] = {"conv_transpose2d_forward", 3},
    [VAE_OP_CONVT_BWD_INPUT] = {"conv_transpose2d_backward_input", 3},
    [VAE_OP_CONVT_BWD_WEIGHT] = {"conv_transpose2d_backward_weight", 3},
    [VAE_OP_LINEAR_FWD] = {"linear_forward", 3},
    [VAE_OP_LINEAR_BWD_INPUT] = {"linear_backward_input", 3},
    [VAE_OP_LINEAR_BWD_WEIGHT] = {"linear_backward_weight", 3},
    [VAE_OP_BIAS_FWD] = {"bias_forward", 2},
    [VAE_OP_BIAS_BWD] = {"bias_backward", 2},
    [VAE_OP_LEAKY_RELU_FWD] = {"leaky_relu_forward", 2},
    [VAE_OP_LEAKY_RELU_BWD] = {"leaky_relu_backward", 3},
    [VAE_OP_RELU_FWD] = {"relu_forward", 2},
    [VAE_OP_RELU_BWD] = {"relu_backward", 3},
    [VAE_OP_TANH_FWD] = {"tanh_forward", 2},
    [VAE_OP_TANH_BWD] = {"tanh_backward", 3},
    [VAE_OP_EPS_NORMAL] = {"eps_normal", 2},
    [VAE_OP_REPARAM_FWD] = {"reparameterize_forward", 4},
    [VAE_OP_REPARAM_BWD] = {"reparameterize_backward", 5},
    [VAE_OP_KL_FWD] = {"kl_forward", 3},
    [VAE_OP_KL_BWD] = {"kl_backward", 5},
    [VAE_OP_MSE_FWD] = {"mse_forward", 3},
    [VAE_OP_MSE_BWD] = {"mse_backward", 3},
    [VAE_OP_LOSS_REDUCE] = {"loss_reduce", 4},
    [VAE_OP_ADAM] = {"adam", 5},
};

const char *vae_op_name(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? op_info[kind].name : "unknown";
}

int vae_op_tensor_count(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? op_info[kind].tensors : 0;
}
