/* The model's forward pass, loss, backward pass and Adam as op lists. */
#include "vaevk/graph.h"

static vae_op make(vae_op_kind kind) {
    vae_op op = {0};
    op.kind = kind;
    return op;
}

/* Pushes the op; a failed push is remembered in *status. */
static void emit(vae_program *p, int *status, const vae_op *op) {
    if (vae_program_push(p, op) != 0)
        *status = -1;
}

static void emit_conv(vae_program *p, int *st, vae_op_kind kind, vae_tensor a, vae_tensor b,
                      vae_tensor c, int B, int cin, int side, int cout) {
    vae_op op = make(kind);
    op.t[0] = a; op.t[1] = b; op.t[2] = c;
    op.d[0] = B; op.d[1] = cin; op.d[2] = side; op.d[3] = side; op.d[4] = cout;
    emit(p, st, &op);
}

static void emit_linear(vae_program *p, int *st, vae_op_kind kind, vae_tensor a, vae_tensor b,
                        vae_tensor c, int B, int in, int out, int accumulate) {
    vae_op op = make(kind);
    op.t[0] = a; op.t[1] = b; op.t[2] = c;
    op.d[0] = B; op.d[1] = in; op.d[2] = out; op.d[3] = accumulate;
    emit(p, st, &op);
}

static void emit_bias(vae_program *p, int *st, vae_op_kind kind, vae_tensor a, vae_tensor b,
                      int B, int C, int N) {
    vae_op op = make(kind);
    op.t[0] = a; op.t[1] = b;
    op.d[0] = B; op.d[1] = C; op.d[2] = N;
    emit(p, st, &op);
}

static void emit_pointwise(vae_program *p, int *st, vae_op_kind kind, vae_tensor a,
                           vae_tensor b, vae_tensor c, float slope) {
    vae_op op = make(kind);
    op.t[0] = a; op.t[1] = b; op.t[2] = c;
    op.d[0] = (int32_t)a.count;
    op.f[0] = slope;
    emit(p, st, &op);
}

static int enc_cin(const vae_layout *lay, int l) {
    return l == 0 ? VAE_IMAGE_CHANNELS : lay->cfg.channels[l - 1];
}
static int dec_cin(const vae_layout *lay, int l) {
    return lay->cfg.channels[VAE_LEVELS - 1 - l];
}
static int dec_cout(const vae_layout *lay, int l) {
    return l == VAE_LEVELS - 1 ? VAE_IMAGE_CHANNELS : lay->cfg.channels[VAE_LEVELS - 2 - l];
}

/* x from the batch's indices into the resident images: one input_gather
 * per chunk, each writing the rows whose image it holds. */
static void gather(vae_program *p, int *st, const vae_layout *lay, const vae_resident *r) {
    for (int c = 0; c < r->chunks; c++) {
        vae_op op = make(VAE_OP_INPUT_GATHER);
        op.t[0] = lay->x; op.t[1] = r->chunk[c]; op.t[2] = lay->indices; op.t[3] = lay->step_in;
        op.d[0] = lay->batch; op.d[1] = VAE_IMAGE_SIZE; op.d[2] = (int32_t)r->count[c];
        op.d[3] = (int32_t)r->first[c];
        emit(p, st, &op);
    }
}

static void encode(vae_program *p, int *st, const vae_layout *lay, int from_pixels,
                   const vae_resident *resident) {
    const int B = lay->batch, L = lay->cfg.latent, flat = vae_flat_size(&lay->cfg);
    if (from_pixels && resident) {
        gather(p, st, lay, resident);
    } else if (from_pixels) {
        vae_op op = make(VAE_OP_INPUT_CONVERT);
        op.t[0] = lay->x; op.t[1] = lay->pixels; op.t[2] = lay->step_in;
        op.d[0] = B; op.d[1] = VAE_IMAGE_SIZE;
        emit(p, st, &op);
    }
    vae_tensor in = lay->x;
    for (int l = 0; l < VAE_LEVELS; l++) {
        int cout = lay->cfg.channels[l], side = vae_level_size(l);
        emit_conv(p, st, VAE_OP_CONV2D_FWD, lay->enc_pre[l], in, lay->param[2 * l], B,
                  enc_cin(lay, l), side, cout);
        emit_bias(p, st, VAE_OP_BIAS_FWD, lay->enc_pre[l], lay->param[2 * l + 1], B, cout,
                  (side / 2) * (side / 2));
        emit_pointwise(p, st, VAE_OP_LEAKY_RELU_FWD, lay->enc_act[l], lay->enc_pre[l],
                       (vae_tensor){0}, VAE_LEAKY_SLOPE);
        in = lay->enc_act[l];
    }
    emit_linear(p, st, VAE_OP_LINEAR_FWD, lay->mu, in, lay->param[VAE_P_FC_MU_W], B, flat, L, 0);
    emit_bias(p, st, VAE_OP_BIAS_FWD, lay->mu, lay->param[VAE_P_FC_MU_B], B, L, 1);
    emit_linear(p, st, VAE_OP_LINEAR_FWD, lay->log_var, in, lay->param[VAE_P_FC_LOG_VAR_W], B,
                flat, L, 0);
    emit_bias(p, st, VAE_OP_BIAS_FWD, lay->log_var, lay->param[VAE_P_FC_LOG_VAR_B], B, L, 1);
}

static void decode(vae_program *p, int *st, const vae_layout *lay) {
    const int B = lay->batch, L = lay->cfg.latent, flat = vae_flat_size(&lay->cfg);
    emit_linear(p, st, VAE_OP_LINEAR_FWD, lay->dec_in_pre, lay->z,
                lay->param[VAE_P_DECODER_INPUT_W], B, L, flat, 0);
    emit_bias(p, st, VAE_OP_BIAS_FWD, lay->dec_in_pre, lay->param[VAE_P_DECODER_INPUT_B], B,
              flat, 1);
    emit_pointwise(p, st, VAE_OP_RELU_FWD, lay->dec_in_act, lay->dec_in_pre, (vae_tensor){0}, 0);
    vae_tensor in = lay->dec_in_act;
    for (int l = 0; l < VAE_LEVELS; l++) {
        int side = VAE_BOTTOM << l, cout = dec_cout(lay, l);
        const vae_tensor w = lay->param[VAE_P_DECODER + 2 * l];
        const vae_tensor b = lay->param[VAE_P_DECODER + 2 * l + 1];
        emit_conv(p, st, VAE_OP_CONVT_FWD, lay->dec_pre[l], in, w, B, dec_cin(lay, l), side, cout);
        emit_bias(p, st, VAE_OP_BIAS_FWD, lay->dec_pre[l], b, B, cout, 4 * side * side);
        vae_op_kind act = l == VAE_LEVELS - 1 ? VAE_OP_TANH_FWD : VAE_OP_RELU_FWD;
        emit_pointwise(p, st, act, lay->dec_act[l], lay->dec_pre[l], (vae_tensor){0}, 0);
        in = lay->dec_act[l];
    }
}

static void sample_latent(vae_program *p, int *st, const vae_layout *lay, int eps_from_rng) {
    const uint32_t n = (uint32_t)(lay->batch * lay->cfg.latent);
    if (eps_from_rng) {
        vae_op op = make(VAE_OP_EPS_NORMAL);
        op.t[0] = lay->eps; op.t[1] = lay->step_in;
        op.d[0] = (int32_t)n;
        emit(p, st, &op);
    }
    vae_op op = make(VAE_OP_REPARAM_FWD);
    op.t[0] = lay->z; op.t[1] = lay->mu; op.t[2] = lay->log_var; op.t[3] = lay->eps;
    op.d[0] = (int32_t)n;
    emit(p, st, &op);
}

static void loss(vae_program *p, int *st, const vae_layout *lay) {
    const int B = lay->batch, L = lay->cfg.latent;
    const int N = VAE_IMAGE_CHANNELS * VAE_IMAGE_SIZE * VAE_IMAGE_SIZE;
    const vae_tensor xhat = lay->dec_act[VAE_LEVELS - 1];
    vae_op op = make(VAE_OP_MSE_FWD);
    op.t[0] = lay->sse; op.t[1] = xhat; op.t[2] = lay->x;
    op.d[0] = B; op.d[1] = N;
    emit(p, st, &op);
    op = make(VAE_OP_KL_FWD);
    op.t[0] = lay->kl; op.t[1] = lay->mu; op.t[2] = lay->log_var;
    op.d[0] = B; op.d[1] = L;
    emit(p, st, &op);
    op = make(VAE_OP_LOSS_REDUCE);
    op.t[0] = lay->step_out; op.t[1] = lay->sse; op.t[2] = lay->kl; op.t[3] = lay->step_in;
    op.d[0] = B;
    emit(p, st, &op);
}

static void backward_decoder(vae_program *p, int *st, const vae_layout *lay) {
    const int B = lay->batch, L = lay->cfg.latent, flat = vae_flat_size(&lay->cfg);
    const int N = VAE_IMAGE_CHANNELS * VAE_IMAGE_SIZE * VAE_IMAGE_SIZE;
    const int last = VAE_LEVELS - 1;
    vae_op op = make(VAE_OP_MSE_BWD);
    op.t[0] = lay->d_dec_act[last]; op.t[1] = lay->dec_act[last]; op.t[2] = lay->x;
    op.t[3] = lay->loss_scaler;
    op.d[0] = B; op.d[1] = N;
    emit(p, st, &op);
    for (int l = last; l >= 0; l--) {
        int side = VAE_BOTTOM << l, cout = dec_cout(lay, l);
        vae_op_kind act = l == last ? VAE_OP_TANH_BWD : VAE_OP_RELU_BWD;
        emit_pointwise(p, st, act, lay->d_dec_pre[l], lay->d_dec_act[l],
                       l == last ? lay->dec_act[l] : lay->dec_pre[l], 0);
        emit_bias(p, st, VAE_OP_BIAS_BWD, lay->grad[VAE_P_DECODER + 2 * l + 1], lay->d_dec_pre[l],
                  B, cout, 4 * side * side);
        vae_tensor in = l == 0 ? lay->dec_in_act : lay->dec_act[l - 1];
        vae_tensor d_in = l == 0 ? lay->d_dec_in_act : lay->d_dec_act[l - 1];
        emit_conv(p, st, VAE_OP_CONVT_BWD_WEIGHT, lay->grad[VAE_P_DECODER + 2 * l],
                  lay->d_dec_pre[l], in, B, dec_cin(lay, l), side, cout);
        emit_conv(p, st, VAE_OP_CONVT_BWD_INPUT, d_in, lay->d_dec_pre[l],
                  lay->param[VAE_P_DECODER + 2 * l], B, dec_cin(lay, l), side, cout);
    }
    emit_pointwise(p, st, VAE_OP_RELU_BWD, lay->d_dec_in_pre, lay->d_dec_in_act, lay->dec_in_pre, 0);
    emit_bias(p, st, VAE_OP_BIAS_BWD, lay->grad[VAE_P_DECODER_INPUT_B], lay->d_dec_in_pre, B,
              flat, 1);
    emit_linear(p, st, VAE_OP_LINEAR_BWD_WEIGHT, lay->grad[VAE_P_DECODER_INPUT_W],
                lay->d_dec_in_pre, lay->z, B, L, flat, 0);
    emit_linear(p, st, VAE_OP_LINEAR_BWD_INPUT, lay->d_z, lay->d_dec_in_pre,
                lay->param[VAE_P_DECODER_INPUT_W], B, L, flat, 0);
}

static void backward_latent(vae_program *p, int *st, const vae_layout *lay) {
    const int B = lay->batch, L = lay->cfg.latent;
    vae_op op = make(VAE_OP_REPARAM_BWD);
    op.t[0] = lay->d_mu; op.t[1] = lay->d_log_var; op.t[2] = lay->d_z;
    op.t[3] = lay->log_var; op.t[4] = lay->eps;
    op.d[0] = B * L;
    emit(p, st, &op);
    op = make(VAE_OP_KL_BWD);
    op.t[0] = lay->d_mu; op.t[1] = lay->d_log_var; op.t[2] = lay->mu; op.t[3] = lay->log_var;
    op.t[4] = lay->step_in; op.t[5] = lay->loss_scaler;
    op.d[0] = B; op.d[1] = L;
    emit(p, st, &op);
}

static void backward_encoder(vae_program *p, int *st, const vae_layout *lay) {
    const int B = lay->batch, L = lay->cfg.latent, flat = vae_flat_size(&lay->cfg);
    const int last = VAE_LEVELS - 1;
    const vae_tensor top = lay->enc_act[last], d_top = lay->d_enc_act[last];
    const int heads[2][2] = {{VAE_P_FC_MU_W, VAE_P_FC_MU_B}, {VAE_P_FC_LOG_VAR_W, VAE_P_FC_LOG_VAR_B}};
    const vae_tensor d_head[2] = {lay->d_mu, lay->d_log_var};
    for (int h = 0; h < 2; h++) {
        emit_bias(p, st, VAE_OP_BIAS_BWD, lay->grad[heads[h][1]], d_head[h], B, L, 1);
        emit_linear(p, st, VAE_OP_LINEAR_BWD_WEIGHT, lay->grad[heads[h][0]], d_head[h], top, B,
                    flat, L, 0);
        emit_linear(p, st, VAE_OP_LINEAR_BWD_INPUT, d_top, d_head[h], lay->param[heads[h][0]], B,
                    flat, L, h); /* the second head adds to the first */
    }
    for (int l = last; l >= 0; l--) {
        int cout = lay->cfg.channels[l], side = vae_level_size(l);
        emit_pointwise(p, st, VAE_OP_LEAKY_RELU_BWD, lay->d_enc_pre[l], lay->d_enc_act[l],
                       lay->enc_pre[l], VAE_LEAKY_SLOPE);
        emit_bias(p, st, VAE_OP_BIAS_BWD, lay->grad[2 * l + 1], lay->d_enc_pre[l], B, cout,
                  (side / 2) * (side / 2));
        vae_tensor in = l == 0 ? lay->x : lay->enc_act[l - 1];
        emit_conv(p, st, VAE_OP_CONV2D_BWD_WEIGHT, lay->grad[2 * l], lay->d_enc_pre[l], in, B,
                  enc_cin(lay, l), side, cout);
        if (l > 0) /* nothing needs the gradient of the image */
            emit_conv(p, st, VAE_OP_CONV2D_BWD_INPUT, lay->d_enc_act[l - 1], lay->d_enc_pre[l],
                      lay->param[2 * l], B, enc_cin(lay, l), side, cout);
    }
}

/* Mixed precision: whether the gradients hold an inf or NaN, before Adam
 * (which then leaves everything as it was). */
static void loss_scale_check(vae_program *p, int *st, const vae_layout *lay) {
    vae_op op = make(VAE_OP_LOSS_SCALE_CHECK);
    op.t[0] = lay->loss_scaler; op.t[1] = lay->grads_all;
    op.d[0] = (int32_t)lay->grads_all.count;
    emit(p, st, &op);
}

/* After Adam: the next step's S, and this one's in step_out. */
static void loss_scale_update(vae_program *p, int *st, const vae_layout *lay) {
    vae_op op = make(VAE_OP_LOSS_SCALE_UPDATE);
    op.t[0] = lay->loss_scaler; op.t[1] = lay->step_out;
    op.d[0] = VAE_LOSS_SCALE_INTERVAL;
    emit(p, st, &op);
}

static void adam(vae_program *p, int *st, const vae_layout *lay) {
    vae_op op = make(VAE_OP_ADAM);
    op.t[0] = lay->params_all; op.t[1] = lay->grads_all;
    op.t[2] = lay->adam_m; op.t[3] = lay->adam_v; op.t[4] = lay->step_in;
    op.t[5] = lay->loss_scaler;
    op.d[0] = (int32_t)lay->params_all.count;
    op.f[0] = (float)(1.0 - VAE_ADAM_BETA1); op.f[1] = (float)(1.0 - VAE_ADAM_BETA2);
    op.f[2] = VAE_ADAM_EPS;
    emit(p, st, &op);
}

int vae_build_train_step(vae_program *p, const vae_layout *lay, const vae_step_options *opts) {
    int st = 0;
    encode(p, &st, lay, opts->from_pixels, opts->gather);
    sample_latent(p, &st, lay, opts->eps_from_rng);
    decode(p, &st, lay);
    loss(p, &st, lay);
    backward_decoder(p, &st, lay);
    backward_latent(p, &st, lay);
    backward_encoder(p, &st, lay);
    if (opts->adam && opts->precision == VAE_PRECISION_MIXED)
        loss_scale_check(p, &st, lay);
    if (opts->adam)
        adam(p, &st, lay);
    if (opts->adam && opts->precision == VAE_PRECISION_MIXED)
        loss_scale_update(p, &st, lay);
    vae_program_set_precision(p, opts->precision);
    return st;
}

int vae_build_encode(vae_program *p, const vae_layout *lay, int from_pixels) {
    int st = 0;
    encode(p, &st, lay, from_pixels, NULL);
    return st;
}

int vae_build_decode(vae_program *p, const vae_layout *lay) {
    int st = 0;
    decode(p, &st, lay);
    return st;
}

int vae_build_eval(vae_program *p, const vae_layout *lay) {
    int st = 0;
    encode(p, &st, lay, 1, NULL);
    sample_latent(p, &st, lay, 1);
    decode(p, &st, lay);
    loss(p, &st, lay);
    return st;
}
