#version 450
#extension GL_GOOGLE_include_directive : require
// COL (Cb·16 × nb·Hs·Ws) from the large side (im2col.glsl): the taps of
// every small pixel of the chunk, one column each.
// bindings: 0 COL (scratch), 1 big (B,Cb,Hb,Wb).
#include "im2col.glsl"

layout(std430, binding = 0) writeonly buffer Col { float col[]; };
layout(std430, binding = 1) readonly buffer Big { float big[]; };

void main() {
    uint hw = small_pixels(), cols = chunk_columns();
    FOR_EACH_OF(i, pc.Cb * 16u * cols) {
        uint k = i / cols, n = i - k * cols;
        uint b = n / hw, p = n - b * hw, y = p / pc.Ws, x = p - y * pc.Ws;
        int Y = int(2u * y + ((k >> 2) & 3u)) - 1, X = int(2u * x + (k & 3u)) - 1;
        float v = 0.0;
        if (Y >= 0 && Y < int(pc.Hb) && X >= 0 && X < int(pc.Wb))
            v = big[(((pc.b0 + b) * pc.Cb + (k >> 4)) * pc.Hb + uint(Y)) * pc.Wb + uint(X)];
        col[i] = v;
    }
}
