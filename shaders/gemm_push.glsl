// The push constants of the product kernels (gemm.glsl) and split_sum.comp;
// mirrors vk_gemm_push in src/vk/vk_product.h. A convolution links a large
// side (B, Cb, Hb, Wb) and a small side (B, Cs, Hs, Ws) through weights
// (Cs, Cb, 4, 4): large pixel 2y-1+ky, 2x-1+kx meets small pixel y, x.
// A plain product (gemm_plain.comp) reads A (m, k) at m·a_m + k·a_k, B (k, n)
// at k·b_k + n·b_n and writes C (m, n) at m·c_m + n·c_n. The epilogue
// (epilogue.glsl) says what is done to each output before it is stored.
// The explicit route's layout kernels (im2col.glsl) read the same block.
#ifndef GEMM_PUSH_GLSL
#define GEMM_PUSH_GLSL

layout(push_constant) uniform Push {
    uint B, Cs, Cb, Hs, Ws, Hb, Wb;
    uint M, N, K;   // the product's sizes (N per parity class for conv_scatter)
    uint chunk;     // terms of K per split
    uint splits;
    uint count;     // words of one copy of the output
    uint a_m, a_k, b_k, b_n, c_m, c_n;
    uint accumulate; // plain products: add to the output's old value
    uint epilogue;   // EPI_* bits
    float slope;     // of EPI_LEAKY_RELU
    uint epi_c, epi_n; // output word i is in channel (i / epi_n) % epi_c
    uint b0, nb;     // the explicit route's layout kernels (im2col.glsl): the
                     // batch chunk, images b0 .. b0+nb-1
} pc;

#define EPI_BIAS 1u          // add bias[channel] (VAE_OP_BIAS_FWD)
#define EPI_ACT_SHIFT 1u     // then an activation into a second tensor:
#define EPI_LEAKY_RELU 1u    //   VAE_OP_LEAKY_RELU_FWD
#define EPI_RELU 2u          //   VAE_OP_RELU_FWD

#endif
