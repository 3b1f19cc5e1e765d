// The tiled matrix product shared by the convolution and linear kernels
// (conv_*.comp, gemm_plain.comp). Each is a product out (M×N) = A (M×K) ·
// B (K×N) whose operands are read straight from the tensors ("implicit
// GEMM": nothing is copied into a matrix first). A workgroup of WX×WY
// invocations computes a tile of TM×TN = RM·WY × RN·WX outputs, each
// invocation an RM×RN block: RM·RN multiply-adds for (RM+RN)/4 vec4 reads
// of shared memory (the planner uses 4×4 blocks; 8×8 ran slower on both an
// H200 and lavapipe, see src/vk/vk_tiling.c). K is walked TK at a time: every
// invocation fetches its share of the next A and B slices into registers
// while the current ones, in shared memory, are multiplied. Nothing depends
// on the subgroup size; the barriers are in uniform control flow.
//
// Mixed precision (specialization constant MIXED, for a product op of
// VAE_PRECISION_MIXED): each operand is rounded to binary16 (half.glsl) as
// it enters shared memory, and the sums stay fp32. A product of two
// binary16 values is exact in fp32, so only the sums round. With MIXED = 0
// the rounding folds away and the kernel is the fp32 one.
//
// K may be split over workgroups (z, see the kernels): each part then
// writes its partial products to its own copy of the output in a scratch
// buffer, and split_sum.comp adds the copies. Partial sums of at most
// pc.chunk terms (the host keeps it <= 2048) keep fp32 rounding small.
//
// The including kernel defines B_K_FAST (how its B slice is fetched, below)
// and implements
//   void setup(uint m0, uint n0)  per-invocation state for a new tile;
//   void fetch(uint k0)   ra[j], rb[j] <- A and B values for k0..k0+TK-1
//                         (zero outside the matrix), with the slots below;
//   void store(uint m, uint n, float v)  writes output (m, n), in range.
#ifndef GEMM_GLSL
#define GEMM_GLSL

// Every loop over the accumulators or the fetched values is unrolled, so
// they index only with constants and stay in registers: a driver that left
// one such loop rolled would put the whole array in memory (ten times
// slower on an H200, seen when the epilogue made the store loop large).
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 2) const uint TK = 16u;
// Each invocation's block: RM rows × RN columns, both multiples of 4.
layout(constant_id = 3) const uint RM = 4u;
layout(constant_id = 4) const uint RN = 4u;

#include "gemm_push.glsl"
#include "half.glsl"

// 1: VAE_PRECISION_MIXED (constant 5, FUSED, is epilogue.glsl's).
layout(constant_id = 6) const uint MIXED = 0u;

const uint WX = gl_WorkGroupSize.x, WY = gl_WorkGroupSize.y;
const uint TM = RM * WY, TN = RN * WX, NT = WX * WY;
const uint A_LOADS = TM * TK / NT, B_LOADS = TK * TN / NT;
const uint RM4 = RM / 4u, RN4 = RN / 4u;
// Rows of vec4: one vec4 read gives an invocation 4 values of a row.
// One vec4 of padding per row spreads the k-fast stores over the banks.
const uint AROW = TM / 4u + 1u, BROW = TN / 4u + 1u;

shared vec4 As[TK * AROW]; // As[k][m / 4][m % 4]
shared vec4 Bs[TK * BROW]; // Bs[k][n / 4][n % 4]

float ra[A_LOADS], rb[B_LOADS];

// A fetched value as it goes into shared memory.
float operand(float v) { return MIXED != 0u ? round_to_f16(v) : v; }

void setup(uint m0, uint n0);
void fetch(uint k0);
void store(uint m, uint n, float v);

uint tid() { return gl_LocalInvocationIndex; }

// Slot j of the A slice: k = k0 + a_k(), m = m0 + a_m(j) (k-fast).
uint a_k() { return tid() % TK; }
uint a_m(uint j) { return tid() / TK + j * (NT / TK); }
// Slot j of the B slice: k-fast like A, or n-fast (n fixed per invocation:
// the host makes NT a multiple of TN).
#if B_K_FAST
uint b_k(uint j) { return tid() % TK; }
uint b_n(uint j) { return tid() / TK + j * (NT / TK); }
#else
uint b_k(uint j) { return tid() / TN + j * (NT / TN); }
uint b_n(uint j) { return tid() % TN; }
#endif

// The tile (m0, n0) over K terms [k_begin, k_end). Invocation (x, y) owns
// the groups of 4 rows y, y + WY, ... and of 4 columns x, x + WX, ..., so
// neighbouring invocations read neighbouring vec4s of shared memory.
void gemm_tile(uint m0, uint n0, uint k_begin, uint k_end) {
    vec4 acc[RM * RN4];
    [[unroll]] for (uint i = 0u; i < RM * RN4; i++)
        acc[i] = vec4(0.0);
    uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    setup(m0, n0);
    fetch(k_begin);
    for (uint k0 = k_begin; k0 < k_end; k0 += TK) {
        barrier(); // everyone is done reading the previous slices
        [[unroll]] for (uint j = 0u; j < A_LOADS; j++)
            As[a_k() * AROW + a_m(j) / 4u][a_m(j) % 4u] = operand(ra[j]);
        [[unroll]] for (uint j = 0u; j < B_LOADS; j++)
            Bs[b_k(j) * BROW + b_n(j) / 4u][b_n(j) % 4u] = operand(rb[j]);
        barrier();
        if (k0 + TK < k_end)
            fetch(k0 + TK); // in flight while we multiply
        [[unroll]] for (uint kk = 0u; kk < TK; kk++) {
            vec4 a[RM4], b[RN4];
            [[unroll]] for (uint r = 0u; r < RM4; r++)
                a[r] = As[kk * AROW + ty + r * WY];
            [[unroll]] for (uint c = 0u; c < RN4; c++)
                b[c] = Bs[kk * BROW + tx + c * WX];
            [[unroll]] for (uint i = 0u; i < RM; i++)
                [[unroll]] for (uint c = 0u; c < RN4; c++)
                    acc[i * RN4 + c] += a[i / 4u][i % 4u] * b[c];
        }
    }
    [[unroll]] for (uint i = 0u; i < RM; i++)
        [[unroll]] for (uint c = 0u; c < RN4; c++)
            [[unroll]] for (uint j = 0u; j < 4u; j++) {
                uint m = m0 + 4u * (ty + (i / 4u) * WY) + i % 4u, n = n0 + 4u * (tx + c * WX) + j;
                if (m < pc.M && n < pc.N)
                    store(m, n, acc[i * RN4 + c][j]);
            }
}

// Every tile of this workgroup's split, looping when there are more tiles
// than workgroups in x or y. The loop bounds are uniform over the group.
void gemm_all_tiles(uint split) {
    uint k_begin = split * pc.chunk, k_end = min(pc.K, k_begin + pc.chunk);
    uint tiles_m = (pc.M + TM - 1u) / TM, tiles_n = (pc.N + TN - 1u) / TN;
    for (uint tm = gl_WorkGroupID.y; tm < tiles_m; tm += gl_NumWorkGroups.y)
        for (uint tn = gl_WorkGroupID.x; tn < tiles_n; tn += gl_NumWorkGroups.x)
            gemm_tile(tm * TM, tn * TN, k_begin, k_end);
}

#endif
