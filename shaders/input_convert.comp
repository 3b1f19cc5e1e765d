#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_INPUT_CONVERT. ITEM kernel, n = B·3·S·S.
// bindings: 0 x (B,3,S,S), 1 pixels (B,S,S,3) uint8 packed 4 per word
// little-endian, 2 step_in.   d: B, S.
// Image b is mirrored when step_in.flip != 0 and bit 0 of the FLIP stream's
// word b is set, as the CPU executor does.
#include "common.glsl"
#include "rng.glsl"

TENSOR(0, x);
WORDS_IN(1, pixels);
WORDS_IN(2, step_in);

void main() {
    uint S = uint(pc.d[1]);
    uvec2 seed = uvec2(step_in[STEP_IN_SEED_LO], step_in[STEP_IN_SEED_HI]);
    bool flips = step_in[STEP_IN_FLIP] != 0u;
    FOR_EACH_ITEM(i) {
        uint col = i % S, y = (i / S) % S, c = (i / (S * S)) % 3u, b = i / (3u * S * S);
        if (flips && (vae_rng_u32(seed, VAE_STREAM_FLIP, step_in[STEP_IN_STEP], b) & 1u) != 0u)
            col = S - 1u - col;
        uint p = ((b * S + y) * S + col) * 3u + c;
        uint u = (pixels[p >> 2] >> ((p & 3u) * 8u)) & 0xffu;
        precise float v = float(u) * 0.00784313772 - 1.0; // 0.00784313772 = float(1/127.5)
        x[i] = v;
    }
}
