#version 450
#extension GL_GOOGLE_include_directive : require
// A convolution gathered from the large side (see gemm_push.glsl):
//   small[b,cs,y,x] = Σ over cb, ky, kx of big[b,cb,2y-1+ky,2x-1+kx]·w[cs,cb,ky,kx]
// which is VAE_OP_CONV2D_FWD (small = y, big = x) and
// VAE_OP_CONVT_BWD_INPUT (small = dx, big = dy). The product (gemm.glsl):
// M = Cs, N = B·Hs·Ws (b, y, x), K = Cb·16 (cb, ky, kx); A is w as stored,
// B the large side's taps, zero in the padding. z: the split of K.
// bindings: 0 small (B,Cs,Hs,Ws) or the scratch copies, 1 big (B,Cb,Hb,Wb),
// 2 w (Cs,Cb,4,4), 3 and 4 the epilogue's.
#define B_K_FAST 0
#include "gemm.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer Big { float big[]; };
layout(std430, binding = 2) readonly buffer Weight { float w[]; };

uint split, tile_m0;
// this invocation's B column: its image and top-left tap
uint big_image;
int tap_y0, tap_x0;
bool column_ok;

void setup(uint m0, uint n0) {
    tile_m0 = m0;
    uint n = n0 + b_n(0u), hw = pc.Hs * pc.Ws;
    column_ok = n < pc.N;
    uint b = n / hw, p = n - b * hw, y = p / pc.Ws;
    big_image = b * pc.Cb * pc.Hb * pc.Wb;
    tap_y0 = int(y) * 2 - 1;
    tap_x0 = int(p - y * pc.Ws) * 2 - 1;
}

void fetch(uint k0) {
    uint k = k0 + a_k();
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uint m = tile_m0 + a_m(j);
        ra[j] = 0.0;
        if (m < pc.M && k < pc.K)
            ra[j] = w[m * pc.K + k];
    }
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uint kb = k0 + b_k(j);
        int Y = tap_y0 + int((kb >> 2) & 3u), X = tap_x0 + int(kb & 3u);
        rb[j] = 0.0;
        if (column_ok && kb < pc.K && Y >= 0 && Y < int(pc.Hb) && X >= 0 && X < int(pc.Wb))
            rb[j] = big[big_image + (kb >> 4) * pc.Hb * pc.Wb + uint(Y) * pc.Wb + uint(X)];
    }
}

void store(uint m, uint n, float v) {
    uint hw = pc.Hs * pc.Ws, b = n / hw;
    emit(split, (b * pc.Cs + m) * hw + (n - b * hw), m, v);
}

void main() {
    split = gl_WorkGroupID.z;
    gemm_all_tiles(split);
}
