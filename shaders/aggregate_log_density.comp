#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_AGGREGATE_LOG_DENSITY: out[s] = log((1/N) Σ_n exp(e_sn)),
//   e_sn = -0.5·(Σ_L r² + Σ_L (lv + log 2π)),  r = (z_s - mu_n)·exp(-lv_n/2),
// the direct differences of the reference (z² - 2z·mu + mu² would cancel
// when σ is small). bindings: 0 out (S), 1 z (S,L), 2 mu (N,L),
// 3 log_var (N,L). d: S, N, L; pc.n = S.
//
// Tiling (planned by src/vk/vk_aggregate.c): a workgroup of WG
// invocations, TX = 16 along the Gaussians by TY = WG/16 along the points,
// takes POINTS = 4·TY points and runs over all N Gaussians, GAUSS = 64 at a
// time, DEPTH = 8 dimensions at a time staged in shared memory (z; mu,
// σ⁻¹ and lv + log 2π, each exponential computed once per tile). Each
// invocation computes 4 points × 4 Gaussians (points ty·4.., Gaussians tx,
// tx+16, ..) and keeps a running log-sum-exp for its 4 points; at the end
// the 16 invocations of a row of points combine theirs through shared
// memory. Grid: ceil(S / POINTS) workgroups, looping if the device has
// fewer.
#include "common.glsl"
#include "math.glsl"

TENSOR(0, log_q);
TENSOR_IN(1, z);
TENSOR_IN(2, mu);
TENSOR_IN(3, log_var);

const float LOG_2PI = 1.83787706641;
#define NEG_INF uintBitsToFloat(0xff800000u)
#define QNAN uintBitsToFloat(0x7fc00000u)

const uint TX = 16u;
const uint TY = gl_WorkGroupSize.x / TX;
const uint RS = 4u;              // points per invocation
const uint RN = 4u;              // Gaussians per invocation
const uint POINTS = TY * RS;
const uint GAUSS = TX * RN;
const uint DEPTH = 8u;

// z tile (POINTS, DEPTH), then mu, σ⁻¹, lv + log 2π tiles (GAUSS, DEPTH);
// after the loop, reused for the combine: best (POINTS, TX), sum (POINTS,
// TX), which fits while WG <= 256 (the planner's cap).
const uint SZ = 0u;
const uint SM = POINTS * DEPTH;
const uint SW = SM + GAUSS * DEPTH;
const uint SC = SW + GAUSS * DEPTH;
shared float sh[SC + GAUSS * DEPTH];

// A term of a running log-sum-exp, sum = Σ exp(e - best): as the
// reference's lse_add (src/cpu/ops_aggregate.c).
void lse_add(inout float best, inout float sum, float e) {
    if (e == NEG_INF)
        return;
    if (e > best) {
        sum = sum * vae_exp(best - e) + 1.0;
        best = e;
    } else {
        sum += vae_exp(e - best);
    }
}

void stage(uint s0, uint n0, uint d0, uint S, uint N, uint L) {
    uint lid = gl_LocalInvocationID.x;
    for (uint i = lid; i < POINTS * DEPTH; i += gl_WorkGroupSize.x) {
        uint s = s0 + i / DEPTH, d = d0 + i % DEPTH;
        sh[SZ + i] = s < S && d < L ? z[s * L + d] : 0.0;
    }
    // past N or L: mu = σ⁻¹ = 0 and no constant, so the terms are 0
    for (uint i = lid; i < GAUSS * DEPTH; i += gl_WorkGroupSize.x) {
        uint n = n0 + i / DEPTH, d = d0 + i % DEPTH;
        bool inside = n < N && d < L;
        float lv = inside ? log_var[n * L + d] : 0.0;
        sh[SM + i] = inside ? mu[n * L + d] : 0.0;
        sh[SW + i] = inside ? vae_exp(-0.5 * lv) : 0.0;
        sh[SC + i] = inside ? lv + LOG_2PI : 0.0;
    }
}

// The log-sum-exp of the TX partial ones of point p, minus log N.
float combine(uint p, float log_n) {
    float b = NEG_INF, total = 0.0;
    bool nan = false;
    for (uint k = 0u; k < TX; k++) {
        float kb = sh[p * TX + k], ks = sh[POINTS * TX + p * TX + k];
        nan = nan || isnan(ks);
        if (ks > 0.0 && kb > b)
            b = kb;
    }
    for (uint k = 0u; k < TX; k++) {
        float kb = sh[p * TX + k], ks = sh[POINTS * TX + p * TX + k];
        if (ks > 0.0)
            total += ks * vae_exp(kb - b);
    }
    if (nan)
        return QNAN;
    return total > 0.0 ? b + vae_log(total) - log_n : NEG_INF;
}

void main() {
    const uint S = uint(pc.d[0]), N = uint(pc.d[1]), L = uint(pc.d[2]);
    const uint lid = gl_LocalInvocationID.x, tx = lid % TX, ty = lid / TX;
    const float log_n = vae_log(float(N));
    for (uint s0 = gl_WorkGroupID.x * POINTS; s0 < S; s0 += gl_NumWorkGroups.x * POINTS) {
        float best[RS], sum[RS];
        for (uint i = 0u; i < RS; i++) {
            best[i] = NEG_INF;
            sum[i] = 0.0;
        }
        for (uint n0 = 0u; n0 < N; n0 += GAUSS) {
            float q[RS][RN], c[RN];
            for (uint j = 0u; j < RN; j++) {
                c[j] = 0.0;
                for (uint i = 0u; i < RS; i++)
                    q[i][j] = 0.0;
            }
            for (uint d0 = 0u; d0 < L; d0 += DEPTH) {
                barrier(); // every invocation is done with the previous tile
                stage(s0, n0, d0, S, N, L);
                barrier();
                for (uint d = 0u; d < DEPTH; d++) {
                    float zr[RS], mr[RN], wr[RN];
                    for (uint i = 0u; i < RS; i++)
                        zr[i] = sh[SZ + (ty * RS + i) * DEPTH + d];
                    for (uint j = 0u; j < RN; j++) {
                        uint g = (tx + j * TX) * DEPTH + d;
                        mr[j] = sh[SM + g];
                        wr[j] = sh[SW + g];
                        c[j] += sh[SC + g];
                    }
                    for (uint i = 0u; i < RS; i++)
                        for (uint j = 0u; j < RN; j++) {
                            precise float r = (zr[i] - mr[j]) * wr[j];
                            q[i][j] += r * r;
                        }
                }
            }
            for (uint j = 0u; j < RN; j++)
                if (n0 + tx + j * TX < N)
                    for (uint i = 0u; i < RS; i++)
                        lse_add(best[i], sum[i], -0.5 * (q[i][j] + c[j]));
        }
        barrier(); // the last tile is read: shared memory takes the partials
        for (uint i = 0u; i < RS; i++) {
            uint p = ty * RS + i;
            sh[p * TX + tx] = best[i];
            sh[POINTS * TX + p * TX + tx] = sum[i];
        }
        barrier();
        if (lid < POINTS && s0 + lid < S)
            log_q[s0 + lid] = combine(lid, log_n);
        barrier(); // the partials are read before the next tile is staged
    }
}
