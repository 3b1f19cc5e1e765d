#version 450
#extension GL_GOOGLE_include_directive : require
// A convolution's weight gradient (see gemm_push.glsl):
//   dw[cs,cb,ky,kx] = Σ over b, y, x of small[b,cs,y,x]·big[b,cb,2y-1+ky,2x-1+kx]
// which is VAE_OP_CONV2D_BWD_WEIGHT (small = dy, big = x) and
// VAE_OP_CONVT_BWD_WEIGHT (small = x, big = dy). The product (gemm.glsl):
// M = Cs, N = Cb·16 (cb, ky, kx), K = B·Hs·Ws (b, y, x), usually split over
// z: these sums are long (B·Hs·Ws terms) and the outputs few.
// bindings: 0 dw (Cs,Cb,4,4) or the scratch copies, 1 small (B,Cs,Hs,Ws),
// 2 big (B,Cb,Hb,Wb), 3 and 4 the epilogue's (unused).
#define B_K_FAST 1
#include "gemm.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer Small { float small[]; };
layout(std430, binding = 2) readonly buffer Big { float big[]; };

uint split, tile_m0, tile_n0;

void setup(uint m0, uint n0) {
    tile_m0 = m0;
    tile_n0 = n0;
}

// A and B slots share k (both k-fast): one pixel (b, y, x) per fetch.
void fetch(uint k0) {
    uint k = k0 + a_k(), hw = pc.Hs * pc.Ws;
    uint b = k / hw, p = k - b * hw, y = p / pc.Ws, x = p - y * pc.Ws;
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uint m = tile_m0 + a_m(j);
        ra[j] = 0.0;
        if (m < pc.M && k < pc.K)
            ra[j] = small[(b * pc.Cs + m) * hw + p];
    }
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uint n = tile_n0 + b_n(j);
        int Y = int(2u * y + ((n >> 2) & 3u)) - 1, X = int(2u * x + (n & 3u)) - 1;
        rb[j] = 0.0;
        if (n < pc.N && k < pc.K && Y >= 0 && Y < int(pc.Hb) && X >= 0 && X < int(pc.Wb))
            rb[j] = big[((b * pc.Cb + (n >> 4)) * pc.Hb + uint(Y)) * pc.Wb + uint(X)];
    }
}

void store(uint m, uint n, float v) {
    emit(split, m * pc.N + n, m, v);
}

void main() {
    split = gl_WorkGroupID.z;
    gemm_all_tiles(split);
}
