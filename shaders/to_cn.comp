#version 450
#extension GL_GOOGLE_include_directive : require
// CN (Cs × nb·Hs·Ws) from the small side of the chunk (im2col.glsl): the
// channels as rows, so a GEMM reads the small side as one matrix.
// bindings: 0 CN (scratch), 1 small (B,Cs,Hs,Ws).
#include "im2col.glsl"

layout(std430, binding = 0) writeonly buffer Cn { float cn[]; };
layout(std430, binding = 1) readonly buffer Small { float small[]; };

void main() {
    uint hw = small_pixels(), cols = chunk_columns();
    FOR_EACH_OF(i, pc.Cs * cols) {
        uint c = i / cols, n = i - c * cols, b = n / hw, p = n - b * hw;
        cn[i] = small[((pc.b0 + b) * pc.Cs + c) * hw + p];
    }
}
