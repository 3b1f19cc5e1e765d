#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_CONV2D_BWD_WEIGHT: dw (Cout,Cin,4,4) = Σ over (b, oy, ox) of
// dy[b,co,oy,ox]·x[b,ci,iy,ix]. GROUP kernel, n = Cout·Cin·16: each
// weight sums its B·(H/2)·(W/2) terms.
// bindings: 0 dw, 1 dy, 2 x.   d: B, Cin, H, W, Cout.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, dw);
TENSOR_IN(1, dy);
TENSOR_IN(2, x);

void main() {
    int B = pc.d[0], Cin = pc.d[1], H = pc.d[2], W = pc.d[3], Cout = pc.d[4];
    int Ho = H / 2, Wo = W / 2;
    uint terms = uint(B * Ho * Wo);
    FOR_EACH_OUTPUT(o) {
        int kx = int(o % 4u), ky = int((o / 4u) % 4u);
        int ci = int((o / 16u) % uint(Cin)), co = int(o / uint(16 * Cin));
        float acc = 0.0;
        for (uint j = seg_lane(); o < pc.n && j < terms; j += pc.seg) {
            int ox = int(j % uint(Wo)), oy = int((j / uint(Wo)) % uint(Ho)), b = int(j / uint(Wo * Ho));
            int iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                acc += dy[((b * Cout + co) * Ho + oy) * Wo + ox] * x[((b * Cin + ci) * H + iy) * W + ix];
        }
        float total = segment_sum(acc);
        if (o < pc.n && seg_lane() == 0u)
            dw[o] = total;
    }
}
