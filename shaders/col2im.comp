#version 450
#extension GL_GOOGLE_include_directive : require
// The large side from a GEMM's COL (im2col.glsl): each large pixel (Y, X)
// of the chunk is the sum of the at most 2×2 taps that reach it, small
// pixel y with 2y-1+ky = Y (and the same in x), then the epilogue
// (epilogue.glsl: added to the old value when pc.accumulate is set, bias,
// activation). The splits' copies of each tap are added first, in order.
// bindings: 0 big (B,Cb,Hb,Wb), 1 COL (pc.splits copies, pc.count words
// apart), 3 and 4 the epilogue's.
#include "im2col.glsl"
#include "epilogue.glsl"

layout(std430, binding = 1) readonly buffer Col { float col[]; };

float tap(uint k, uint n) {
    float v = 0.0;
    for (uint s = 0u; s < pc.splits; s++)
        v += col[s * pc.count + k * chunk_columns() + n];
    return v;
}

void main() {
    uint hw = small_pixels(), image = pc.Cb * pc.Hb * pc.Wb;
    FOR_EACH_OF(i, pc.nb * image) {
        uint b = i / image, r = i - b * image;
        uint cb = r / (pc.Hb * pc.Wb), q = r - cb * pc.Hb * pc.Wb, Y = q / pc.Wb, X = q - Y * pc.Wb;
        float acc = 0.0;
        // small rows y = (Y+1)/2 (ky 0 or 1) and the one above (ky 2 or 3)
        for (uint jy = 0u; jy < 2u; jy++) {
            int y = int((Y + 1u) / 2u) - int(jy);
            if (y < 0 || y >= int(pc.Hs))
                continue;
            uint ky = Y + 1u - 2u * uint(y);
            for (uint jx = 0u; jx < 2u; jx++) {
                int x = int((X + 1u) / 2u) - int(jx);
                if (x < 0 || x >= int(pc.Ws))
                    continue;
                uint kx = X + 1u - 2u * uint(x);
                acc += tap(cb * 16u + ky * 4u + kx, b * hw + uint(y) * pc.Ws + uint(x));
            }
        }
        finish(pc.b0 * image + i, cb, acc);
    }
}
