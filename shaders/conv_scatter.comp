#version 450
#extension GL_GOOGLE_include_directive : require
// A convolution scattered onto the large side (see gemm_push.glsl):
//   big[b,cb,Y,X] = Σ over the taps with Y = 2y-1+ky, X = 2x-1+kx of
//                   small[b,cs,y,x]·w[cs,cb,ky,kx]
// which is VAE_OP_CONV2D_BWD_INPUT (big = dx, small = dy) and
// VAE_OP_CONVT_FWD (big = y, small = x). Large pixels of one parity class
// Y = 2u+qy, X = 2v+qx all use the same four taps: ky = 1-qy+2jy,
// y = u+qy-jy for jy in {0, 1}, the same in x. So per class the product
// (gemm.glsl) is M = Cb, N = B·ceil(Hb/2)·ceil(Wb/2) (b, u, v),
// K = Cs·4 (cs, jy, jx); A is w at those taps, B the small side, zero
// outside it. z = split·4 + class, class = qy·2 + qx.
// bindings: 0 big (B,Cb,Hb,Wb) or the scratch copies, 1 small (B,Cs,Hs,Ws),
// 2 w (Cs,Cb,4,4), 3 and 4 the epilogue's.
#define B_K_FAST 0
#include "gemm.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer Small { float small[]; };
layout(std430, binding = 2) readonly buffer Weight { float w[]; };

uint split, qy, qx, tile_m0;
// this invocation's B column: its image and the small pixel of tap j = 0
uint small_image;
int tap_y0, tap_x0;
bool column_ok;

uint half_up(uint v) { return (v + 1u) / 2u; }

void setup(uint m0, uint n0) {
    tile_m0 = m0;
    uint n = n0 + b_n(0u), hw = half_up(pc.Hb) * half_up(pc.Wb);
    column_ok = n < pc.N;
    uint b = n / hw, p = n - b * hw, u = p / half_up(pc.Wb);
    small_image = b * pc.Cs * pc.Hs * pc.Ws;
    tap_y0 = int(u + qy);
    tap_x0 = int(p - u * half_up(pc.Wb) + qx);
}

void fetch(uint k0) {
    uint k = k0 + a_k();
    uint tap = (1u - qy + 2u * ((k >> 1) & 1u)) * 4u + 1u - qx + 2u * (k & 1u);
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uint m = tile_m0 + a_m(j);
        ra[j] = 0.0;
        if (m < pc.M && k < pc.K)
            ra[j] = w[((k >> 2) * pc.Cb + m) * 16u + tap];
    }
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uint kb = k0 + b_k(j);
        int y = tap_y0 - int((kb >> 1) & 1u), x = tap_x0 - int(kb & 1u);
        rb[j] = 0.0;
        if (column_ok && kb < pc.K && y >= 0 && y < int(pc.Hs) && x >= 0 && x < int(pc.Ws))
            rb[j] = small[small_image + (kb >> 2) * pc.Hs * pc.Ws + uint(y) * pc.Ws + uint(x)];
    }
}

void store(uint m, uint n, float v) {
    uint wu = half_up(pc.Wb), hw = half_up(pc.Hb) * wu;
    uint b = n / hw, p = n - b * hw, u = p / wu;
    uint Y = 2u * u + qy, X = 2u * (p - u * wu) + qx;
    if (Y < pc.Hb && X < pc.Wb)
        emit(split, ((b * pc.Cb + m) * pc.Hb + Y) * pc.Wb + X, m, v);
}

void main() {
    uint z = gl_WorkGroupID.z;
    split = z >> 2u;
    qy = (z >> 1u) & 1u;
    qx = z & 1u;
    gemm_all_tiles(split);
}
