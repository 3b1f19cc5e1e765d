#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_CONVT_BWD_WEIGHT: dw (Cin,Cout,4,4) = Σ over (b, iy, ix) of
// x[b,ci,iy,ix]·dy[b,co,oy,ox]. GROUP kernel, n = Cin·Cout·16: each
// weight sums its B·H·W terms.
// bindings: 0 dw, 1 dy (B,Cout,2H,2W), 2 x (B,Cin,H,W).   d: B, Cin, H, W, Cout.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, dw);
TENSOR_IN(1, dy);
TENSOR_IN(2, x);

void main() {
    int B = pc.d[0], Cin = pc.d[1], H = pc.d[2], W = pc.d[3], Cout = pc.d[4];
    int Ho = H * 2, Wo = W * 2;
    uint terms = uint(B * H * W);
    FOR_EACH_OUTPUT(o) {
        int kx = int(o % 4u), ky = int((o / 4u) % 4u);
        int co = int((o / 16u) % uint(Cout)), ci = int(o / uint(16 * Cout));
        float acc = 0.0;
        for (uint j = seg_lane(); o < pc.n && j < terms; j += pc.seg) {
            int ix = int(j % uint(W)), iy = int((j / uint(W)) % uint(H)), b = int(j / uint(W * H));
            int oy = iy * 2 - 1 + ky, ox = ix * 2 - 1 + kx;
            if (oy >= 0 && oy < Ho && ox >= 0 && ox < Wo)
                acc += x[((b * Cin + ci) * H + iy) * W + ix] * dy[((b * Cout + co) * Ho + oy) * Wo + ox];
        }
        float total = segment_sum(acc);
        if (o < pc.n && seg_lane() == 0u)
            dw[o] = total;
    }
}
