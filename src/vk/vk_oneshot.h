/* One kernel run on its own, outside any recording of ops: a descriptor
 * set over whole buffers, a command buffer of repeated dispatches (a
 * barrier between each two), submitted and waited for. For the tools and
 * tests that run a kernel no op uses yet (tools/bench_coopmat,
 * tests/vk/test_f16_glsl.c); the backend records its ops in vk_record.c. */
#ifndef VAEVK_VK_ONESHOT_H
#define VAEVK_VK_ONESHOT_H

#include <stddef.h>
#include <stdint.h>

#include "vk/vk_context.h"
#include "vk/vk_pipelines.h"

typedef struct {
    const vk_pipeline *pipe;
    VkDescriptorPool pool;
    VkDescriptorSet set;
    VkCommandBuffer cmd;
    VkFence fence;
} vk_oneshot;

/* Binds buffers[i], whole, to binding i of pipe's set (pipe->key.bindings
 * of them). 0, or -1 with one line in err. */
int vk_oneshot_init(vk_context *ctx, vk_oneshot *o, const vk_pipeline *pipe, const VkBuffer *buffers,
                    char *err, size_t errlen);
/* reps dispatches of groups, with push constants push (pipe->key.push_bytes
 * of them); *seconds (may be NULL) from submit to the fence. */
int vk_oneshot_run(vk_context *ctx, vk_oneshot *o, const void *push, const uint32_t groups[3], int reps,
                   double *seconds, char *err, size_t errlen);
void vk_oneshot_free(vk_context *ctx, vk_oneshot *o);

#endif
