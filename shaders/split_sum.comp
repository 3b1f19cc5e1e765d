#version 450
#extension GL_GOOGLE_include_directive : require
// The second half of a split product (gemm.glsl): out[i] = the sum over
// s < splits of part[s·count + i], in order, then the epilogue (added to
// the old out[i] when pc.accumulate is set, bias, activation). One
// invocation per output, looping when the grid is smaller than count.
// bindings: 0 out (count), 1 part (splits·count), 3 and 4 the epilogue's.
#include "epilogue.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 1) readonly buffer Part { float part[]; };

void main() {
    for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += gl_NumWorkGroups.x * gl_WorkGroupSize.x) {
        float acc = 0.0;
        for (uint s = 0u; s < pc.splits; s++)
            acc += part[s * pc.count + i];
        finish(i, (i / pc.epi_n) % pc.epi_c, acc);
    }
}
