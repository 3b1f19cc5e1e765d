// The push constants of the convolution kernels and split_sum.comp; mirrors
// vk_gemm_push in src/vk/vk_conv.h. A convolution links a large side
// (B, Cb, Hb, Wb) and a small side (B, Cs, Hs, Ws) through weights
// (Cs, Cb, 4, 4): large pixel 2y-1+ky, 2x-1+kx meets small pixel y, x.
#ifndef GEMM_PUSH_GLSL
#define GEMM_PUSH_GLSL

layout(push_constant) uniform Push {
    uint B, Cs, Cb, Hs, Ws, Hb, Wb;
    uint M, N, K;   // the product's sizes (N per parity class for conv_scatter)
    uint chunk;     // terms of K per split
    uint splits;
    uint count;     // words of one copy of the output
} pc;

#endif
