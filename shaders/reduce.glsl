// GROUP kernels: segmented sums in shared memory. Each output is summed by a
// segment of pc.seg invocations, a power of two no larger than the workgroup
// chosen by the host from the number of terms: 1 when there are few (one
// invocation per output, no barriers), up to the whole workgroup when there
// are many. A tree in shared memory combines a segment's partial sums, so
// nothing depends on the subgroup size (8 on lavapipe, 32 on NVIDIA, 64 on
// AMD). Usage:
//   FOR_EACH_OUTPUT(o) {
//       float acc = 0.0;
//       if (o < pc.n) for (uint j = seg_lane(); j < terms; j += pc.seg) acc += ...;
//       float total = segment_sum(acc);
//       if (o < pc.n && seg_lane() == 0u) result[o] = total;
//   }
// In the last round o may be >= pc.n: such invocations add nothing and write
// nothing but still reach every barrier, which must be in uniform control
// flow (every round runs for the whole workgroup).
#ifndef REDUCE_GLSL
#define REDUCE_GLSL

shared float red[gl_WorkGroupSize.x];

uint seg_lane() {
    return gl_LocalInvocationID.x & (pc.seg - 1u);
}

#define OUTPUTS_PER_GROUP (gl_WorkGroupSize.x / pc.seg)
#define FOR_EACH_OUTPUT(o) \
    for (uint o##_first = gl_WorkGroupID.x * OUTPUTS_PER_GROUP, \
              o = o##_first + gl_LocalInvocationID.x / pc.seg; \
         o##_first < pc.n; \
         o##_first += gl_NumWorkGroups.x * OUTPUTS_PER_GROUP, \
              o = o##_first + gl_LocalInvocationID.x / pc.seg)

float segment_sum(float v) {
    if (pc.seg == 1u)
        return v;
    uint t = gl_LocalInvocationID.x, lane = seg_lane();
    red[t] = v;
    barrier();
    for (uint s = pc.seg / 2u; s > 0u; s >>= 1u) {
        if (lane < s)
            red[t] += red[t + s];
        barrier();
    }
    float total = red[t - lane];
    barrier(); // all have read before the next call overwrites red
    return total;
}

#endif
