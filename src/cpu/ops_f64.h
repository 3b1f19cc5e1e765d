/* The double-precision twins of every op in vaevk/ops.h: same name with _f64,
 * same arguments with double in place of float. They are compiled from the
 * same source as the float ops (cpu/ops_template.h) and exist for gradient
 * checks by finite differences and for measuring the float ops' rounding. */
#ifndef VAEVK_CPU_OPS_F64_H
#define VAEVK_CPU_OPS_F64_H

#include <stdint.h>

void conv2d_forward_f64(double *out, const double *in, const double *w,
                        int B, int Cin, int H, int W, int Cout);
void conv2d_backward_input_f64(double *din, const double *dout, const double *w,
                               int B, int Cin, int H, int W, int Cout);
void conv2d_backward_weight_f64(double *dw, const double *dout, const double *in,
                                int B, int Cin, int H, int W, int Cout);

void conv_transpose2d_forward_f64(double *out, const double *in, const double *w,
                                  int B, int Cin, int H, int W, int Cout);
void conv_transpose2d_backward_input_f64(double *din, const double *dout, const double *w,
                                         int B, int Cin, int H, int W, int Cout);
void conv_transpose2d_backward_weight_f64(double *dw, const double *dout, const double *in,
                                          int B, int Cin, int H, int W, int Cout);

void linear_forward_f64(double *out, const double *in, const double *w, int B, int I, int O);
void linear_backward_input_f64(double *din, const double *dout, const double *w,
                               int B, int I, int O, int accumulate);
void linear_backward_weight_f64(double *dw, const double *dout, const double *in,
                                int B, int I, int O);

void bias_forward_f64(double *x, const double *b, int B, int C, int N);
void bias_backward_f64(double *db, const double *dout, int B, int C, int N);

void leaky_relu_forward_f64(double *out, const double *in, int n, double slope);
void leaky_relu_backward_f64(double *din, const double *dout, const double *in, int n,
                             double slope);
void relu_forward_f64(double *out, const double *in, int n);
void relu_backward_f64(double *din, const double *dout, const double *in, int n);
void tanh_forward_f64(double *out, const double *in, int n);
void tanh_backward_f64(double *din, const double *dout, const double *out, int n);

void reparameterize_forward_f64(double *z, const double *mu, const double *log_var,
                                const double *eps, int n);
void reparameterize_backward_f64(double *dmu, double *dlog_var, const double *dz,
                                 const double *log_var, const double *eps, int n);
void kl_forward_f64(double *kl, const double *mu, const double *log_var, int B, int L);
void kl_backward_accumulate_f64(double *dmu, double *dlog_var, const double *mu,
                                const double *log_var, int B, int L, double beta);

void mse_forward_f64(double *sse, const double *xhat, const double *x, int B, int N);
void mse_backward_f64(double *dxhat, const double *xhat, const double *x, int B, int N);
void loss_reduce_f64(double out[3], const double *sse, const double *kl_per_image, int B,
                     double beta);

void adam_update_f64(double *p, const double *g, double *m, double *v, int n,
                     double one_minus_b1, double one_minus_b2, double eps, double step_size,
                     double inv_sqrt_bc2, double grad_inv_scale);
void adam_step_scalars_f64(double lr, double b1, double b2, long step,
                           double *step_size, double *inv_sqrt_bc2);

void aggregate_log_density_f64(double *out, const double *z, const double *mu,
                               const double *log_var, int S, int N, int L);

void input_convert_f64(double *x, const uint8_t *pixels, const uint8_t *flip, int B, int S);
void input_gather_f64(double *x, const uint8_t *images, const uint32_t *indices, const uint8_t *flip,
                      int B, int S, int N, uint32_t first);

void loss_scale_check_f64(vae_loss_scaler *s, const double *g, int n);

#endif
