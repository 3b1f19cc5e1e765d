// Shared by every kernel. The contract with src/vk/vk_kernels.c:
//   * binding i of set 0 is the op's tensor t[i] (vaevk/program.h), bound at
//     its own offset and range, so index 0 is the tensor's first word;
//   * the push constants are the op's d[] and f[], the work count n and,
//     for GROUP kernels, the segment size seg;
//   * the workgroup size is specialization constant 0;
//   * an ITEM kernel runs one invocation per work item (n of them); a GROUP
//     kernel sums each of its n outputs with a segment of seg invocations
//     (reduce.glsl). Both loop with a stride of the launched grid, so any n
//     fits the device's workgroup count.
#ifndef COMMON_GLSL
#define COMMON_GLSL

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    int d[5];
    float f[3];
    uint n;
    uint seg;
} pc;

#define TENSOR(i, name) layout(std430, binding = i) buffer Tensor##i { float name[]; }
#define TENSOR_IN(i, name) layout(std430, binding = i) readonly buffer Tensor##i { float name[]; }
#define WORDS_IN(i, name) layout(std430, binding = i) readonly buffer Tensor##i { uint name[]; }

#define FOR_EACH_ITEM(i) \
    for (uint i = gl_GlobalInvocationID.x; i < pc.n; i += gl_NumWorkGroups.x * gl_WorkGroupSize.x)

// Words of vae_step_in (vaevk/tensor.h).
#define STEP_IN_STEP 0
#define STEP_IN_SEED_LO 1
#define STEP_IN_SEED_HI 2
#define STEP_IN_FLIP 3
#define STEP_IN_BETA 4
#define STEP_IN_ADAM_STEP_SIZE 5
#define STEP_IN_ADAM_INV_SQRT_BC2 6

// Words of vae_step_out and vae_loss_scaler.
#define STEP_OUT_LOSS_SCALE 3
#define STEP_OUT_SKIPPED 4
#define LOSS_SCALER_SCALE 0
#define LOSS_SCALER_CLEAN 1
#define LOSS_SCALER_SKIPPED 2
#define LOSS_SCALER_FOUND 3

#endif
