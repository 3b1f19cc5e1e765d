/* Building a pipeline: descriptor set layout (one storage buffer per
 * binding), push constant range, specialization constants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_pipelines.h"

int vk_pipelines_init(vk_context *ctx, vk_pipelines *ps, char *err, size_t errlen) {
    memset(ps, 0, sizeof *ps);
    VkPipelineCacheCreateInfo info = {.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VkResult r = ctx->vk.vkCreatePipelineCache(ctx->device, &info, NULL, &ps->cache);
    if (r != VK_SUCCESS) {
        ps->cache = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "creating a pipeline cache", r);
    }
    return 0;
}

static int make_layouts(vk_context *ctx, vk_pipeline *p, char *err, size_t errlen) {
    VkDescriptorSetLayoutBinding b[8];
    for (uint32_t i = 0; i < p->key.bindings; i++)
        b[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo set = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = p->key.bindings,
        .pBindings = b,
    };
    VkResult r = ctx->vk.vkCreateDescriptorSetLayout(ctx->device, &set, NULL, &p->set_layout);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating a descriptor set layout", r);
    VkPushConstantRange push = {
        .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        .size = p->key.push_bytes,
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

static int make_pipeline(vk_context *ctx, VkPipelineCache cache, vk_pipeline *p, char *err, size_t errlen) {
    const vk_shader *s = p->key.shader;
    VkShaderModuleCreateInfo module_info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = s->bytes,
        .pCode = s->code,
    };
    VkShaderModule module;
    VkResult r = ctx->vk.vkCreateShaderModule(ctx->device, &module_info, NULL, &module);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "loading a shader", r);
    VkSpecializationMapEntry entries[VK_MAX_SPEC];
    for (uint32_t i = 0; i < VK_MAX_SPEC; i++)
        entries[i] = (VkSpecializationMapEntry){i, i * (uint32_t)sizeof(uint32_t), sizeof(uint32_t)};
    /* constants a shader does not declare are ignored */
    VkSpecializationInfo spec = {
        .mapEntryCount = VK_MAX_SPEC,
        .pMapEntries = entries,
        .dataSize = sizeof p->key.spec,
        .pData = p->key.spec,
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
    r = ctx->vk.vkCreateComputePipelines(ctx->device, cache, 1, &info, NULL, &p->pipeline);
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
    free(p);
}

static int same_key(const vk_pipeline_key *a, const vk_pipeline_key *b) {
    return a->shader == b->shader && a->bindings == b->bindings && a->push_bytes == b->push_bytes &&
           memcmp(a->spec, b->spec, sizeof a->spec) == 0;
}

int vk_pipelines_get(vk_context *ctx, vk_pipelines *ps, const vk_pipeline_key *key, const vk_pipeline **out,
                     char *err, size_t errlen) {
    for (int i = 0; i < ps->count; i++)
        if (same_key(&ps->items[i]->key, key)) {
            *out = ps->items[i];
            return 0;
        }
    if (ps->count == VK_MAX_PIPELINES || key->bindings > 8) {
        snprintf(err, errlen, "too many kernel variants (%d) or bindings (%u)", ps->count, key->bindings);
        return -1;
    }
    vk_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory building the %s kernel", key->shader->name);
        return -1;
    }
    p->key = *key;
    if (make_layouts(ctx, p, err, errlen) != 0 || make_pipeline(ctx, ps->cache, p, err, errlen) != 0) {
        destroy_one(ctx, p);
        return -1;
    }
    ps->items[ps->count++] = p;
    *out = p;
    return 0;
}

void vk_pipelines_destroy(vk_context *ctx, vk_pipelines *ps) {
    for (int i = 0; i < ps->count; i++)
        destroy_one(ctx, ps->items[i]);
    if (ps->cache != VK_NULL_HANDLE)
        ctx->vk.vkDestroyPipelineCache(ctx->device, ps->cache, NULL);
    memset(ps, 0, sizeof *ps);
}
