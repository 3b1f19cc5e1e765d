#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_CONVT_BWD_INPUT: dx (B,Cin,H,W) from dy (B,Cout,2H,2W) and
// w (Cin,Cout,4,4): a strided conv2d of dy. ITEM kernel, n = B·Cin·H·W.
// bindings: 0 dx, 1 dy, 2 w.   d: B, Cin, H, W, Cout.
#include "common.glsl"

TENSOR(0, dx);
TENSOR_IN(1, dy);
TENSOR_IN(2, w);

void main() {
    int Cin = pc.d[1], H = pc.d[2], W = pc.d[3], Cout = pc.d[4];
    int Ho = H * 2, Wo = W * 2;
    FOR_EACH_ITEM(i) {
        int ix = int(i % uint(W)), iy = int((i / uint(W)) % uint(H));
        int ci = int((i / uint(W * H)) % uint(Cin)), b = int(i / uint(W * H * Cin));
        float acc = 0.0;
        for (int co = 0; co < Cout; co++) {
            int g = (b * Cout + co) * Ho * Wo, ker = (ci * Cout + co) * 16;
            for (int ky = 0; ky < 4; ky++) {
                int oy = iy * 2 - 1 + ky;
                if (oy < 0 || oy >= Ho)
                    continue;
                for (int kx = 0; kx < 4; kx++) {
                    int ox = ix * 2 - 1 + kx;
                    if (ox >= 0 && ox < Wo)
                        acc += dy[g + oy * Wo + ox] * w[ker + ky * 4 + kx];
                }
            }
        }
        dx[i] = acc;
    }
}
