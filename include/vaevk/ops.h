/* The CPU reference: every operation of the model, forward and backward, as
 * plain loops on float arrays. Written to be obviously correct; every GPU
 * result is compared with these, and these with PyTorch.
 *
 * Dimensions, used in every shape comment:
 *   B  batch          C  channels (Cin / Cout when they differ)
 *   H  height         W  width            (of the operation's input)
 *   I  linear inputs  O  linear outputs   L  latent size
 * Layouts are PyTorch's: activations NCHW, conv weights (Cout, Cin, 4, 4),
 * transposed-conv weights (Cin, Cout, 4, 4), linear weights (O, I).
 *
 * Conventions: outputs are overwritten (never accumulated) unless the
 * function's name or comment says "accumulate". Inputs and outputs never
 * alias unless a comment says so. Reductions accumulate in double. */
#ifndef VAEVK_OPS_H
#define VAEVK_OPS_H

#include <stdint.h>

#include "vaevk/tensor.h"

/* Every convolution is kernel 4, stride 2, padding 1: conv2d halves H and W,
 * conv_transpose2d doubles them. */
#define VAE_KERNEL 4
#define VAE_STRIDE 2
#define VAE_PAD 1

/* conv2d: out (B,Cout,H/2,W/2) = in (B,Cin,H,W) * w (Cout,Cin,4,4). No bias. */
void conv2d_forward(float *out, const float *in, const float *w,
                    int B, int Cin, int H, int W, int Cout);
/* din (B,Cin,H,W) from dout (B,Cout,H/2,W/2) and w. */
void conv2d_backward_input(float *din, const float *dout, const float *w,
                           int B, int Cin, int H, int W, int Cout);
/* dw (Cout,Cin,4,4) from dout (B,Cout,H/2,W/2) and in (B,Cin,H,W). */
void conv2d_backward_weight(float *dw, const float *dout, const float *in,
                            int B, int Cin, int H, int W, int Cout);

/* conv_transpose2d: out (B,Cout,2H,2W) = in (B,Cin,H,W) *T w (Cin,Cout,4,4). */
void conv_transpose2d_forward(float *out, const float *in, const float *w,
                              int B, int Cin, int H, int W, int Cout);
/* din (B,Cin,H,W) from dout (B,Cout,2H,2W) and w. */
void conv_transpose2d_backward_input(float *din, const float *dout, const float *w,
                                     int B, int Cin, int H, int W, int Cout);
/* dw (Cin,Cout,4,4) from dout (B,Cout,2H,2W) and in (B,Cin,H,W). */
void conv_transpose2d_backward_weight(float *dw, const float *dout, const float *in,
                                      int B, int Cin, int H, int W, int Cout);

/* linear: out (B,O) = in (B,I) · w(O,I)^T. No bias. */
void linear_forward(float *out, const float *in, const float *w, int B, int I, int O);
/* din (B,I) = dout (B,O) · w (O,I); accumulate != 0 adds to din instead. */
void linear_backward_input(float *din, const float *dout, const float *w,
                           int B, int I, int O, int accumulate);
/* dw (O,I) = dout (B,O)^T · in (B,I). */
void linear_backward_weight(float *dw, const float *dout, const float *in,
                            int B, int I, int O);

/* bias: x (B,C,N) += b (C), in place; N is the spatial size (1 for linear). */
void bias_forward(float *x, const float *b, int B, int C, int N);
/* db (C) = sum over B and N of dout (B,C,N). */
void bias_backward(float *db, const float *dout, int B, int C, int N);

/* Element-wise activations over n values. Backward may run in place
 * (din == dout). Leaky ReLU and ReLU take the forward input, tanh its output. */
void leaky_relu_forward(float *out, const float *in, int n, float slope);
void leaky_relu_backward(float *din, const float *dout, const float *in, int n, float slope);
void relu_forward(float *out, const float *in, int n);
void relu_backward(float *din, const float *dout, const float *in, int n);
void tanh_forward(float *out, const float *in, int n);
void tanh_backward(float *din, const float *dout, const float *out, int n);

/* reparameterize: z (B,L) = mu + exp(0.5·log_var) · eps, all (B,L). */
void reparameterize_forward(float *z, const float *mu, const float *log_var,
                            const float *eps, int n);
/* dmu = dz; dlog_var = dz · eps · 0.5·exp(0.5·log_var). Overwrites both. */
void reparameterize_backward(float *dmu, float *dlog_var, const float *dz,
                             const float *log_var, const float *eps, int n);

/* KL(N(mu, exp(log_var)) || N(0, I)) per image:
 * kl (B) = -0.5 · Σ_L (1 + log_var - mu² - exp(log_var)). */
void kl_forward(float *kl, const float *mu, const float *log_var, int B, int L);
/* Gradient of beta · mean_B(kl), ACCUMULATED into dmu and dlog_var (B,L):
 * dmu += beta·mu/B; dlog_var += beta·0.5·(exp(log_var) - 1)/B. */
void kl_backward_accumulate(float *dmu, float *dlog_var, const float *mu,
                            const float *log_var, int B, int L, float beta);

/* Squared error per image: sse (B) = Σ_N (xhat - x)², x and xhat (B,N). */
void mse_forward(float *sse, const float *xhat, const float *x, int B, int N);
/* Gradient of mean_B(sse): dxhat (B,N) = 2·(xhat - x)/B. */
void mse_backward(float *dxhat, const float *xhat, const float *x, int B, int N);

/* The batch's loss terms from the per-image sums: recon = mean_B(sse),
 * kl = mean_B(kl_per_image), loss = recon + beta·kl. out = {loss, recon, kl}. */
void loss_reduce(float out[3], const float *sse, const float *kl_per_image, int B, float beta);

/* Adam as torch.optim.Adam (no weight decay, no amsgrad), over n values:
 * m = b1·m + (1-b1)·g;  v = b2·v + (1-b2)·g²;
 * The caller passes 1-b1 and 1-b2 rounded once from double (as PyTorch's
 * Python floats are), and b = 1 - (1-b) is formed in float: passing b1, b2
 * instead would make 1 - 0.999f = 0.00099998713, 1.3e-5 off PyTorch's 0.001.
 * p -= step_size · m / (sqrt(v)·inv_sqrt_bc2 + eps)
 * where step_size = lr / (1 - b1^t) and inv_sqrt_bc2 = 1/sqrt(1 - b2^t) are
 * computed by the caller (adam_step_scalars) in double, once per step, and
 * g is first multiplied by grad_inv_scale: 1 in fp32, 1/S (exact, S a
 * power of two) under mixed precision's loss scaling. */
void adam_update(float *p, const float *g, float *m, float *v, int n,
                 float one_minus_b1, float one_minus_b2, float eps, float step_size,
                 float inv_sqrt_bc2, float grad_inv_scale);
void adam_step_scalars(double lr, double b1, double b2, long step,
                       float *step_size, float *inv_sqrt_bc2);

/* The log-density of the mixture (1/N) Σ_n N(mu_n, diag(exp(log_var_n))) at
 * each of S points (the aggregate posterior, src/viz/aggregate.h):
 * out[s] = log((1/N) Σ_n exp(-0.5 Σ_L [(z_s - mu_n)² exp(-log_var_n) + log_var_n + log 2π])),
 * a log-sum-exp over n; -inf where every Gaussian gives 0. */
void aggregate_log_density(float *out, const float *z, const float *mu, const float *log_var,
                           int S, int N, int L);
// out (S), z (S,L), mu (N,L), log_var (N,L)

/* Input conversion: pixels (B,64,64,3) uint8 NHWC -> x (B,3,64,64) in
 * [-1,1] NCHW, x = u/127.5 - 1, mirrored left-right where flip[b] != 0
 * (flip may be NULL for none). S is the image side. */
void input_convert(float *x, const uint8_t *pixels, const uint8_t *flip, int B, int S);
/* The same on images gathered by index: row b of x (B,3,S,S) from image
 * indices[b] - first of images (N,S,S,3) when that lies in [0, N), mirrored
 * where flip[b] != 0; other rows are left untouched. For the same image a
 * row gets exactly the bits input_convert gives it. */
void input_gather(float *x, const uint8_t *images, const uint32_t *indices, const uint8_t *flip,
                  int B, int S, int N, uint32_t first);

/* Dynamic loss scaling (mixed precision; vae_loss_scaler in vaevk/tensor.h).
 * The check sets s->found when any of g (n) is inf or NaN and otherwise
 * leaves it; the update ends a step as VAE_OP_LOSS_SCALE_UPDATE says
 * (vaevk/program.h), S staying a power of two. */
void loss_scale_check(vae_loss_scaler *s, const float *g, int n);
void loss_scale_update(vae_loss_scaler *s, vae_step_out *out, int interval);

#endif
