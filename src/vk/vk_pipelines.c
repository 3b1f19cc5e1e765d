/* Building a kernel's pipeline: descriptor set layout (one storage buffer
 * per tensor), push constant range, and the workgroup size chosen within
 * the device's limits and passed as specialization constant 0. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_pipelines.h"
#include "vk/vk_shaders.h"

/* The largest power of two <= want that the device allows, or 0. */
static uint32_t pick_local_size(const vk_context *ctx, const vk_kernel *k) {
    const VkPhysicalDeviceLimits *l = &ctx->props.limits;
    uint32_t cap = l->maxComputeWorkGroupSize[0];
    if (l->maxComputeWorkGroupInvocations < cap)
        cap = l->maxComputeWorkGroupInvocations;
    if (k->grid == VK_GRID_GROUPS && l->maxComputeSharedMemorySize / 4 < cap)
        cap = l->maxComputeSharedMemorySize / 4; /* reduce.glsl: a float per invocation */
    uint32_t size = k->local_size;
    while (size > cap)
        size >>= 1;
    return size;
}

static int make_layouts(vk_context *ctx, vk_pipeline *p, char *err, size_t errlen) {
    VkDescriptorSetLayoutBinding b[VAE_OP_MAX_TENSORS];
    for (uint32_t i = 0; i < p->bindings; i++)
        b[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo set = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = p->bindings,
        .pBindings = b,
    };
    VkResult r = ctx->vk.vkCreateDescriptorSetLayout(ctx->device, &set, NULL, &p->set_layout);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating a descriptor set layout", r);
    VkPushConstantRange push = {
        .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        .size = p->push_bytes,
    };
    VkPipelineLayoutCreateInfo layout = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &p->set_layout,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &push,
    };
    r = ctx->vk.vkCreatePipelineLayout(ctx->device, &layout, NULL, &p->layout);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating a pipeline layout", r);
    return 0;
}

static int make_pipeline(vk_context *ctx, vk_pipeline *p, const vk_shader *s, char *err, size_t errlen) {
    VkShaderModuleCreateInfo module_info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = s->bytes,
        .pCode = s->code,
    };
    VkShaderModule module;
    VkResult r = ctx->vk.vkCreateShaderModule(ctx->device, &module_info, NULL, &module);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "loading a shader", r);
    VkSpecializationMapEntry entry = {.constantID = 0, .offset = 0, .size = sizeof(uint32_t)};
    VkSpecializationInfo spec = {
        .mapEntryCount = 1,
        .pMapEntries = &entry,
        .dataSize = sizeof(uint32_t),
        .pData = &p->local_size,
    };
    VkComputePipelineCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = module,
            .pName = "main",
            .pSpecializationInfo = &spec,
        },
        .layout = p->layout,
    };
    r = ctx->vk.vkCreateComputePipelines(ctx->device, VK_NULL_HANDLE, 1, &info, NULL, &p->pipeline);
    ctx->vk.vkDestroyShaderModule(ctx->device, module, NULL);
    if (r != VK_SUCCESS) {
        p->pipeline = VK_NULL_HANDLE;
        char what[96];
        snprintf(what, sizeof what, "building the %s kernel", s->name);
        return vk_fail(err, errlen, what, r);
    }
    return 0;
}

static void destroy_one(vk_context *ctx, vk_pipeline *p) {
    if (p->pipeline != VK_NULL_HANDLE)
        ctx->vk.vkDestroyPipeline(ctx->device, p->pipeline, NULL);
    if (p->layout != VK_NULL_HANDLE)
        ctx->vk.vkDestroyPipelineLayout(ctx->device, p->layout, NULL);
    if (p->set_layout != VK_NULL_HANDLE)
        ctx->vk.vkDestroyDescriptorSetLayout(ctx->device, p->set_layout, NULL);
    memset(p, 0, sizeof *p);
}

int vk_pipeline_get(vk_context *ctx, vk_pipeline *pipes, vae_op_kind kind, const vk_pipeline **out,
                    char *err, size_t errlen) {
    const vk_kernel *k = vk_kernel_get(kind);
    if (!k) {
        snprintf(err, errlen, "unknown op kind %d", (int)kind);
        return -1;
    }
    vk_pipeline *p = &pipes[kind];
    if (p->pipeline == VK_NULL_HANDLE) {
        memset(p, 0, sizeof *p);
        p->bindings = (uint32_t)vae_op_tensor_count(kind);
        p->push_bytes = sizeof(vk_push);
        p->grid = k->grid;
        p->local_size = pick_local_size(ctx, k);
        if (p->local_size == 0) {
            snprintf(err, errlen, "the device's compute limits are too small for the %s kernel",
                     vk_shaders[kind].name);
            return -1;
        }
        if (make_layouts(ctx, p, err, errlen) != 0 || make_pipeline(ctx, p, &vk_shaders[kind], err, errlen) != 0) {
            destroy_one(ctx, p);
            return -1;
        }
    }
    *out = p;
    return 0;
}

void vk_pipelines_destroy(vk_context *ctx, vk_pipeline *pipes) {
    for (int k = 0; k < VAE_OP_COUNT; k++)
        destroy_one(ctx, &pipes[k]);
}
