#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_CONV2D_FWD: y (B,Cout,H/2,W/2) = x (B,Cin,H,W) * w (Cout,Cin,4,4),
// stride 2, padding 1. ITEM kernel, n = B·Cout·(H/2)·(W/2).
// bindings: 0 y, 1 x, 2 w.   d: B, Cin, H, W, Cout.
#include "common.glsl"

TENSOR(0, y);
TENSOR_IN(1, x);
TENSOR_IN(2, w);

void main() {
    int Cin = pc.d[1], H = pc.d[2], W = pc.d[3], Cout = pc.d[4];
    int Ho = H / 2, Wo = W / 2;
    FOR_EACH_ITEM(i) {
        int ox = int(i % uint(Wo)), oy = int((i / uint(Wo)) % uint(Ho));
        int co = int((i / uint(Wo * Ho)) % uint(Cout)), b = int(i / uint(Wo * Ho * Cout));
        float acc = 0.0;
        for (int ci = 0; ci < Cin; ci++) {
            int img = (b * Cin + ci) * H * W, ker = (co * Cin + ci) * 16;
            for (int ky = 0; ky < 4; ky++) {
                int iy = oy * 2 - 1 + ky;
                if (iy < 0 || iy >= H)
                    continue;
                for (int kx = 0; kx < 4; kx++) {
                    int ix = ox * 2 - 1 + kx;
                    if (ix >= 0 && ix < W)
                        acc += x[img + iy * W + ix] * w[ker + ky * 4 + kx];
                }
            }
        }
        y[i] = acc;
    }
}
