#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_INPUT_GATHER. ITEM kernel, n = B·3·S·S.
// bindings: 0 x (B,3,S,S), 1 images (N,S,S,3) uint8 packed 4 per word
// little-endian, 2 indices (B), 3 step_in.   d: B, S, N, first.
// input_convert.comp on image indices[b] - first of `images`: the same
// flips (the FLIP stream's word b) and the same two roundings, so the same
// bits. Rows whose index lies outside [first, first + N) are not written.
#include "common.glsl"
#include "rng.glsl"

TENSOR(0, x);
WORDS_IN(1, images);
WORDS_IN(2, indices);
WORDS_IN(3, step_in);

void main() {
    uint S = uint(pc.d[1]), N = uint(pc.d[2]), first = uint(pc.d[3]);
    uvec2 seed = uvec2(step_in[STEP_IN_SEED_LO], step_in[STEP_IN_SEED_HI]);
    bool flips = step_in[STEP_IN_FLIP] != 0u;
    FOR_EACH_ITEM(i) {
        uint col = i % S, y = (i / S) % S, c = (i / (S * S)) % 3u, b = i / (3u * S * S);
        uint image = indices[b] - first; // an index below first wraps past N
        if (image >= N)
            continue;
        if (flips && (vae_rng_u32(seed, VAE_STREAM_FLIP, step_in[STEP_IN_STEP], b) & 1u) != 0u)
            col = S - 1u - col;
        uint p = ((image * S + y) * S + col) * 3u + c; // fits: the op's bytes fit 32 bits
        uint u = (images[p >> 2] >> ((p & 3u) * 8u)) & 0xffu;
        precise float v = float(u) * 0.00784313772 - 1.0; // 0.00784313772 = float(1/127.5)
        x[i] = v;
    }
}
