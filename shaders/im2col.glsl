// The explicit route of a convolution (src/vk/vk_im2col.c): its product as
// one plain matrix product over matrices laid out in scratch memory, so
// that a GEMM kernel that knows nothing of convolutions (the
// cooperative-matrix one, gemm_coopmat.comp) can run it. The convolution
// links a large side (B,Cb,Hb,Wb) and a small side (B,Cs,Hs,Ws) as in
// gemm_push.glsl; for the batch chunk b0 .. b0+nb-1, with column
// n = b·Hs·Ws + y·Ws + x (b counted from b0):
//   COL[k][n], k = cb·16 + ky·4 + kx: big[b0+b, cb, 2y-1+ky, 2x-1+kx], zero
//              in the padding (im2col.comp writes it, col2im.comp adds
//              it back onto the large side);
//   CN[c][n]:  small[b0+b, c, y, x] (to_cn.comp, from_cn.comp).
// Both are row-major with nb·Hs·Ws columns. A GEMM that split its sum
// leaves pc.splits copies of its output pc.count words apart; the kernels
// that read a GEMM's output add them in order.
#ifndef IM2COL_GLSL
#define IM2COL_GLSL

#include "gemm_push.glsl"

layout(local_size_x_id = 0) in;

uint small_pixels() { return pc.Hs * pc.Ws; }
uint chunk_columns() { return pc.nb * pc.Hs * pc.Ws; }

// One invocation per item, looping when the grid is smaller.
#define FOR_EACH_OF(i, total) \
    for (uint i = gl_GlobalInvocationID.x; i < (total); i += gl_NumWorkGroups.x * gl_WorkGroupSize.x)

#endif
