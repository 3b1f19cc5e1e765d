#version 450
#extension GL_GOOGLE_include_directive : require
// f16_bits (shaders/half.glsl) over a list of float bit patterns, for
// tests/vk/test_half_glsl.c: out[i] = the half bits of in[i].
#include "half.glsl"

layout(local_size_x_id = 0) in;
layout(push_constant) uniform Push { uint count; } pc;
layout(std430, binding = 0) writeonly buffer Out { uint halves[]; };
layout(std430, binding = 1) readonly buffer In { uint floats[]; };

void main() {
    for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += gl_NumWorkGroups.x * gl_WorkGroupSize.x)
        halves[i] = f16_bits(uintBitsToFloat(floats[i]));
}
