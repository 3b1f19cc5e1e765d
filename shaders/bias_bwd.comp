#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_BIAS_BWD: db (C) = Σ over B and N of dy (B,C,N), in two passes
// like a split product (see src/vk/vk_tiling.c): workgroup (s, c) sums terms
// j in [s·chunk, (s+1)·chunk) of channel c, j = b·N + n, each invocation a
// strided share and a tree in shared memory the shares, into
// out[s·count + c]; split_sum.comp then adds the parts (when split; else
// out is db). Nothing depends on the subgroup size; the barriers are in
// uniform control flow.
// push (gemm_push.glsl): M = C, N = N, K = B·N, chunk, splits, count = C.
// bindings: 0 db or the scratch copies, 1 dy.
#include "gemm_push.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { float part[]; };
layout(std430, binding = 1) readonly buffer Grad { float dy[]; };

shared float red[gl_WorkGroupSize.x];

void main() {
    uint t = gl_LocalInvocationID.x, LS = gl_WorkGroupSize.x;
    for (uint c = gl_WorkGroupID.y; c < pc.M; c += gl_NumWorkGroups.y)
        for (uint s = gl_WorkGroupID.x; s < pc.splits; s += gl_NumWorkGroups.x) {
            uint end = min(pc.K, (s + 1u) * pc.chunk);
            float acc = 0.0;
            for (uint j = s * pc.chunk + t; j < end; j += LS) {
                uint b = j / pc.N;
                acc += dy[(b * pc.M + c) * pc.N + (j - b * pc.N)];
            }
            red[t] = acc;
            barrier();
            for (uint h = LS / 2u; h > 0u; h >>= 1u) {
                if (t < h)
                    red[t] += red[t + h];
                barrier();
            }
            if (t == 0u)
                part[s * pc.count + c] = red[0];
            barrier(); // red[0] is read before the next round overwrites it
        }
}
