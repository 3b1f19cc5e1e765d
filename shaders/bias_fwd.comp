#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_BIAS_FWD: x (B,C,N) += b (C), in place. ITEM kernel, n = B·C·N.
// bindings: 0 x, 1 b.   d: B, C, N.
#include "common.glsl"

TENSOR(0, x);
TENSOR_IN(1, bias);

void main() {
    uint C = uint(pc.d[1]), N = uint(pc.d[2]);
    FOR_EACH_ITEM(i)
        x[i] = x[i] + bias[(i / N) % C];
}
