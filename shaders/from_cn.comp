#version 450
#extension GL_GOOGLE_include_directive : require
// The small side of the chunk from a GEMM's CN (im2col.glsl): the splits'
// copies added in order, then the epilogue (epilogue.glsl: added to the
// old value when pc.accumulate is set, bias, activation). Invocations run
// along the small side's own order, so the writes are consecutive.
// bindings: 0 small (B,Cs,Hs,Ws), 1 CN (pc.splits copies, pc.count words
// apart), 3 and 4 the epilogue's.
#include "im2col.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer Cn { float cn[]; };

void main() {
    uint hw = small_pixels(), cols = chunk_columns(), image = pc.Cs * hw;
    FOR_EACH_OF(i, pc.nb * image) {
        uint b = i / image, r = i - b * image, c = r / hw, p = r - c * hw;
        float acc = 0.0;
        for (uint s = 0u; s < pc.splits; s++)
            acc += cn[s * pc.count + c * cols + b * hw + p];
        finish(pc.b0 * image + i, c, acc);
    }
}
