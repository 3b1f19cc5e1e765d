#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_basic : require
// C (M×N) = A (M×K) · B (K×N) on cooperative matrices: fp16 operands, fp32
// accumulators (issue 9's mixed precision). Compiled once per extension the
// build's glslang knows (gemm_coopmat_nv, gemm_coopmat_khr; coopmat.glsl);
// src/vk/vk_coopmat_choose.c picks the shape and tile from what the device
// advertises and fills the constants and push constants below.
// tools/bench_coopmat.c runs it against the CPU; training runs the mixed
// products on it through the explicit route (src/vk/vk_im2col.c) only with
// VAEVK_COOPMAT=1, until it has passed the selftest on a GPU.
//
// K may be split over z as in the tiled kernels (gemm.glsl): workgroup z
// sums terms [z·chunk, min(K, (z+1)·chunk)) into its own copy of C,
// c_split words after the previous one; the caller adds the copies.
//
// A workgroup computes a TM×TN tile of C with SGM×SGN subgroups, each a
// WM×WN block of it as FM×FN accumulators of LM×LN. K is walked TK at a
// time through two shared-memory buffers: while the subgroups multiply the
// slice in one, every invocation holds its share of the next slice in
// registers (fp32, read from A and B with their strides, zero past the
// matrix's edge) and then writes it, rounded to fp16 by f16_bits, into
// the other. That staging store is the one place the operands are rounded.
// One barrier per slice: the buffer written in slice s was last read in
// slice s - 1, before the previous barrier.
//
// Each accumulator goes out through a small fp32 scratch in shared memory
// (one LM×LN block per subgroup), from which the subgroup writes the
// elements that lie inside C, so ragged M and N and any output strides need
// no other path.
//
// Assumes (the host checks, vk_coopmat_choose): the workgroup holds exactly
// SGM·SGN full subgroups (local size = SGM·SGN·subgroup size, SPIR-V 1.5,
// so the subgroup size is the device's fixed one); LM | WM, LN | WN,
// LK | TK; the shared memory below fits.
//
// bindings: 0 C, 1 A, 2 B (as the other product kernels: output first).
#include "coopmat.glsl"
#include "half.glsl"

layout(local_size_x_id = 0) in;
// The cooperative matrix shape: A is LM×LK, B LK×LN, C LM×LN.
layout(constant_id = 1) const uint LM = 16u;
layout(constant_id = 2) const uint LN = 16u;
layout(constant_id = 3) const uint LK = 16u;
// The workgroup's tile of C, TM | TN << 16, and the K slice and the
// subgroups along M and N, TK | SGM << 8 | SGN << 16: packed because a
// pipeline key has six constants (src/vk/vk_pipelines.h).
layout(constant_id = 4) const uint TILE = 128u | (128u << 16);
layout(constant_id = 5) const uint SLICE = 32u | (2u << 8) | (4u << 16);
const uint TM = TILE & 0xffffu, TN = TILE >> 16;
const uint TK = SLICE & 0xffu, SGM = (SLICE >> 8) & 0xffu, SGN = SLICE >> 16;

// Mirrors vk_coopmat_push (src/vk/vk_coopmat.h). A (m, k) is read at
// m·a_m + k·a_k, B (k, n) at k·b_k + n·b_n, C (m, n) written at m·c_m + n·c_n.
layout(push_constant) uniform Push {
    uint M, N, K;
    uint a_m, a_k, b_k, b_n, c_m, c_n;
    uint chunk;   // terms of K per split (z)
    uint c_split; // words between the splits' copies of C
} pc;

layout(std430, binding = 0) writeonly buffer MatC { float c[]; };
layout(std430, binding = 1) readonly buffer MatA { float a[]; };
layout(std430, binding = 2) readonly buffer MatB { float b[]; };

const uint NT = gl_WorkGroupSize.x;
const uint WM = TM / SGM, WN = TN / SGN;
const uint FM = WM / LM, FN = WN / LN;
const uint A_LOADS = TM * TK / NT, B_LOADS = TK * TN / NT;
// Row strides in halves, padded by 8 (16 bytes): a cooperative load needs
// rows on 16-byte boundaries, and the padding spreads rows over the banks.
const uint AS = TK + 8u, BS = TN + 8u;
const uint A_HALVES = TM * AS, B_HALVES = TK * BS;

shared float16_t As[2u * A_HALVES]; // [buffer][m][k]
shared float16_t Bs[2u * B_HALVES]; // [buffer][k][n]
shared float Cs[SGM * SGN * LM * LN]; // [subgroup][row][column]

float ra[A_LOADS], rb[B_LOADS];
uint k_end; // this split's end of K

// Slot e of a slice: which (row, column) it holds. Consecutive invocations
// take consecutive addresses of the operand in memory where its fast
// stride is 1 (k for A as the linear layers store it, n for B).
uvec2 a_slot(uint e) { return pc.a_k == 1u ? uvec2(e / TK, e % TK) : uvec2(e % TM, e / TM); }
uvec2 b_slot(uint e) { return pc.b_n == 1u ? uvec2(e / TN, e % TN) : uvec2(e % TK, e / TK); }

void fetch(uint m0, uint n0, uint k0) {
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uvec2 s = a_slot(gl_LocalInvocationIndex + j * NT);
        uint m = m0 + s.x, k = k0 + s.y;
        ra[j] = 0.0;
        if (m < pc.M && k < k_end)
            ra[j] = a[m * pc.a_m + k * pc.a_k];
    }
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uvec2 s = b_slot(gl_LocalInvocationIndex + j * NT);
        uint k = k0 + s.x, n = n0 + s.y;
        rb[j] = 0.0;
        if (k < k_end && n < pc.N)
            rb[j] = b[k * pc.b_k + n * pc.b_n];
    }
}

float16_t f16(float x) { return unpackFloat2x16(f16_bits(x)).x; }

void stage(uint buf) {
    [[unroll]] for (uint j = 0u; j < A_LOADS; j++) {
        uvec2 s = a_slot(gl_LocalInvocationIndex + j * NT);
        As[buf * A_HALVES + s.x * AS + s.y] = f16(ra[j]);
    }
    [[unroll]] for (uint j = 0u; j < B_LOADS; j++) {
        uvec2 s = b_slot(gl_LocalInvocationIndex + j * NT);
        Bs[buf * B_HALVES + s.x * BS + s.y] = f16(rb[j]);
    }
}

CM_ACC(LM, LN) acc[FM * FN];

void multiply(uint buf, uint wm0, uint wn0) {
    [[unroll]] for (uint kk = 0u; kk < TK; kk += LK) {
        CM_A(LM, LK) fa[FM];
        [[unroll]] for (uint i = 0u; i < FM; i++)
            CM_LOAD(fa[i], As, buf * A_HALVES + (wm0 + i * LM) * AS + kk, AS);
        [[unroll]] for (uint j = 0u; j < FN; j++) {
            CM_B(LK, LN) fb;
            CM_LOAD(fb, Bs, buf * B_HALVES + kk * BS + wn0 + j * LN, BS);
            [[unroll]] for (uint i = 0u; i < FM; i++)
                acc[i * FN + j] = CM_MUL_ADD(fa[i], fb, acc[i * FN + j]);
        }
    }
}

void store(uint m0, uint n0) {
    uint scratch = gl_SubgroupID * LM * LN, copy = gl_WorkGroupID.z * pc.c_split;
    [[unroll]] for (uint i = 0u; i < FM; i++)
        [[unroll]] for (uint j = 0u; j < FN; j++) {
            CM_STORE(acc[i * FN + j], Cs, scratch, LN);
            subgroupBarrier();
            for (uint e = gl_SubgroupInvocationID; e < LM * LN; e += gl_SubgroupSize) {
                uint m = m0 + i * LM + e / LN, n = n0 + j * LN + e % LN;
                if (m < pc.M && n < pc.N)
                    c[copy + m * pc.c_m + n * pc.c_n] = Cs[scratch + e];
            }
            subgroupBarrier(); // read before the next block overwrites it
        }
}

void main() {
    uint m0 = gl_WorkGroupID.y * TM, n0 = gl_WorkGroupID.x * TN;
    uint wm0 = (gl_SubgroupID / SGN) * WM, wn0 = (gl_SubgroupID % SGN) * WN;
    [[unroll]] for (uint i = 0u; i < FM * FN; i++)
        acc[i] = CM_ACC(LM, LN)(0.0);
    uint k_begin = gl_WorkGroupID.z * pc.chunk;
    k_end = min(pc.K, k_begin + pc.chunk);
    uint slices = (k_end - k_begin + TK - 1u) / TK;
    fetch(m0, n0, k_begin);
    stage(0u);
    barrier();
    for (uint s = 0u; s < slices; s++) {
        bool more = s + 1u < slices;
        if (more)
            fetch(m0, n0, k_begin + (s + 1u) * TK);
        multiply(s & 1u, wm0, wn0);
        if (more)
            stage((s + 1u) & 1u);
        barrier();
    }
    store(m0 + wm0, n0 + wn0);
}
