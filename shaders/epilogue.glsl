// Where the product kernels (gemm.glsl) and split_sum.comp put a finished
// output: bindings 0 (the output, or the scratch copies while K is split),
// 3 (bias) and 4 (the activation's output). src/vk/vk_plan.c fuses a
// convolution or linear forward with the VAE_OP_BIAS_FWD and (leaky) ReLU
// that follow it into this epilogue; the arithmetic is exactly theirs, so
// the results are the same bits as running them apart. Unfused, bindings 3
// and 4 alias bindings the kernel has anyway and are not touched. It is
// short on purpose: it sits in the product's unrolled store loop (tanh,
// with its exp, stays a kernel of its own).
#ifndef EPILOGUE_GLSL
#define EPILOGUE_GLSL

#include "gemm_push.glsl"

// 1 when the host fused a bias (and activation) into this pipeline: only
// then is the code below compiled in, so the unfused kernels stay small.
layout(constant_id = 5) const uint FUSED = 0u;

layout(std430, binding = 0) buffer Out { float out_[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(std430, binding = 4) writeonly buffer Act { float act[]; };

float activate(float v) {
    if ((pc.epilogue >> EPI_ACT_SHIFT) == EPI_LEAKY_RELU)
        return v > 0.0 ? v : pc.slope * v;
    return v > 0.0 ? v : 0.0; // EPI_RELU
}

// Output word i, of channel c, is v (the whole sum over K).
void finish(uint i, uint c, float v) {
    if (pc.accumulate != 0u)
        v = out_[i] + v;
    if (FUSED != 0u && (pc.epilogue & EPI_BIAS) != 0u)
        v = v + bias[c];
    out_[i] = v;
    if (FUSED != 0u && (pc.epilogue >> EPI_ACT_SHIFT) != 0u)
        act[i] = activate(v);
}

// From a product kernel: word i of copy `split` when K is split, else done.
void emit(uint split, uint i, uint c, float v) {
    if (pc.splits > 1u)
        out_[split * pc.count + i] = v;
    else
        finish(i, c, v);
}

#endif
