#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_CONV2D_BWD_INPUT: dx (B,Cin,H,W) from dy (B,Cout,H/2,W/2) and
// w (Cout,Cin,4,4), gathering the taps that reach each input pixel.
// ITEM kernel, n = B·Cin·H·W.   bindings: 0 dx, 1 dy, 2 w.   d: B, Cin, H, W, Cout.
#include "common.glsl"
#include "conv_tap.glsl"

TENSOR(0, dx);
TENSOR_IN(1, dy);
TENSOR_IN(2, w);

void main() {
    int Cin = pc.d[1], H = pc.d[2], W = pc.d[3], Cout = pc.d[4];
    int Ho = H / 2, Wo = W / 2;
    FOR_EACH_ITEM(i) {
        int ix = int(i % uint(W)), iy = int((i / uint(W)) % uint(H));
        int ci = int((i / uint(W * H)) % uint(Cin)), b = int(i / uint(W * H * Cin));
        float acc = 0.0;
        for (int co = 0; co < Cout; co++) {
            int g = (b * Cout + co) * Ho * Wo, ker = (co * Cin + ci) * 16;
            for (int ky = 0; ky < 4; ky++) {
                int oy = conv_tap_small(iy, ky, Ho);
                if (oy < 0)
                    continue;
                for (int kx = 0; kx < 4; kx++) {
                    int ox = conv_tap_small(ix, kx, Wo);
                    if (ox >= 0)
                        acc += dy[g + oy * Wo + ox] * w[ker + ky * 4 + kx];
                }
            }
        }
        dx[i] = acc;
    }
}
