#version 450
#extension GL_GOOGLE_include_directive : require
// The second half of a split product (gemm.glsl): out[i] = the sum over
// s < splits of part[s·count + i], in order. One invocation per output,
// looping when the grid is smaller than count.
// bindings: 0 out (count), 1 part (splits·count).
#include "gemm_push.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { float out_[]; };
layout(std430, binding = 1) readonly buffer Part { float part[]; };

void main() {
    for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += gl_NumWorkGroups.x * gl_WorkGroupSize.x) {
        float acc = 0.0;
        for (uint s = 0u; s < pc.splits; s++)
            acc += part[s * pc.count + i];
        out_[i] = acc;
    }
}
