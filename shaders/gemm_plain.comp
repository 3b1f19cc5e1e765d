#version 450
#extension GL_GOOGLE_include_directive : require
// The linear layers' products (gemm.glsl) on strided matrices (see
// gemm_push.glsl): C = A·B, or C += A·B when pc.accumulate is set.
// src/vk/vk_product.c maps VAE_OP_LINEAR_FWD, _BWD_INPUT and _BWD_WEIGHT onto
// it. bindings: 0 C or the scratch copies, 1 A, 2 B, 3 and 4 the
// epilogue's. z: the split of K.
#define B_K_FAST 0
#include "gemm.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer MatA { float a[]; };
layout(std430, binding = 2) readonly buffer MatB { float b[]; };

uint split, tile_m0, tile_n0;

void setup(uint m0, uint n0) {
    tile_m0 = m0;
    tile_n0 = n0;
}

void fetch(uint k0) {
    uint k = k0 + a_k();
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uint m = tile_m0 + a_m(j);
        ra[j] = 0.0;
        if (m < pc.M && k < pc.K)
            ra[j] = a[m * pc.a_m + k * pc.a_k];
    }
    uint n = tile_n0 + b_n(0u);
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uint kb = k0 + b_k(j);
        rb[j] = 0.0;
        if (n < pc.N && kb < pc.K)
            rb[j] = b[kb * pc.b_k + n * pc.b_n];
    }
}

void store(uint m, uint n, float v) {
    emit(split, m * pc.c_m + n * pc.c_n, m, v);
}

void main() {
    split = gl_WorkGroupID.z;
    gemm_all_tiles(split);
}
