/* Arena allocation: which memory each arena gets, and zero-filling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_memory.h"
#include "vk/vk_transfer.h"

#define MAPPED_FLAGS (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)

static const char *arena_names[VAE_ARENA_COUNT] = {"parameter", "gradient", "Adam m", "Adam v",
                                                   "activation", "IO", "dataset"};

static int find_type(const vk_context *ctx, uint32_t allowed, VkMemoryPropertyFlags want) {
    for (uint32_t i = 0; i < ctx->memory.memoryTypeCount; i++)
        if ((allowed & (1u << i)) && (ctx->memory.memoryTypes[i].propertyFlags & want) == want)
            return (int)i;
    return -1;
}

static void destroy_arena(vk_context *ctx, vk_arena *ar) {
    if (ar->mapped)
        ctx->vk.vkUnmapMemory(ctx->device, ar->memory);
    if (ar->buffer != VK_NULL_HANDLE)
        ctx->vk.vkDestroyBuffer(ctx->device, ar->buffer, NULL);
    if (ar->memory != VK_NULL_HANDLE)
        ctx->vk.vkFreeMemory(ctx->device, ar->memory, NULL);
    memset(ar, 0, sizeof *ar);
}

/* A buffer of `words` in the first memory type having all flags of one of
 * prefs[] (in order); mapped when that type is host-visible and coherent
 * and `map` is set. */
static int make_arena_or_fail(vk_context *ctx, vk_arena *ar, uint64_t words,
                              const VkMemoryPropertyFlags *prefs, int nprefs, int map,
                              const char *name, char *err, size_t errlen) {
    uint64_t bytes = words * 4;
    if (ctx->max_allocation && bytes > ctx->max_allocation) {
        snprintf(err, errlen, "the %s arena needs %llu MiB, more than this device's "
                 "maxMemoryAllocationSize (%llu MiB): use a smaller --batch", name,
                 (unsigned long long)(bytes >> 20), (unsigned long long)(ctx->max_allocation >> 20));
        return -1;
    }
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = bytes,
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult r = ctx->vk.vkCreateBuffer(ctx->device, &info, NULL, &ar->buffer);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating an arena buffer", r);
    VkMemoryRequirements req;
    ctx->vk.vkGetBufferMemoryRequirements(ctx->device, ar->buffer, &req);
    int type = -1;
    for (int i = 0; i < nprefs && type < 0; i++)
        type = find_type(ctx, req.memoryTypeBits, prefs[i]);
    if (type < 0) {
        snprintf(err, errlen, "no suitable memory type for the %s arena on this device", name);
        return -1;
    }
    VkMemoryAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    r = ctx->vk.vkAllocateMemory(ctx->device, &alloc, NULL, &ar->memory);
    if (r != VK_SUCCESS) {
        char what[96];
        snprintf(what, sizeof what, "allocating %llu MiB for the %s arena",
                 (unsigned long long)(bytes >> 20), name);
        return vk_fail(err, errlen, what, r);
    }
    r = ctx->vk.vkBindBufferMemory(ctx->device, ar->buffer, ar->memory, 0);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "binding arena memory", r);
    ar->words = words;
    VkMemoryPropertyFlags flags = ctx->memory.memoryTypes[type].propertyFlags;
    if (map && (flags & MAPPED_FLAGS) == MAPPED_FLAGS) {
        void *p = NULL;
        r = ctx->vk.vkMapMemory(ctx->device, ar->memory, 0, VK_WHOLE_SIZE, 0, &p);
        if (r != VK_SUCCESS)
            return vk_fail(err, errlen, "mapping arena memory", r);
        ar->mapped = p;
    }
    return 0;
}

static int make_arena(vk_context *ctx, vk_arena *ar, uint64_t words, const VkMemoryPropertyFlags *prefs,
                      int nprefs, int map, const char *name, char *err, size_t errlen) {
    if (make_arena_or_fail(ctx, ar, words, prefs, nprefs, map, name, err, errlen) == 0)
        return 0;
    destroy_arena(ctx, ar);
    return -1;
}

static const VkMemoryPropertyFlags host_prefs[] = {
    MAPPED_FLAGS | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, MAPPED_FLAGS,
};
static const VkMemoryPropertyFlags uma_prefs[] = {
    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | MAPPED_FLAGS, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0,
};
static const VkMemoryPropertyFlags device_prefs[] = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};

int vk_memory_init(vk_context *ctx, vk_memory *mem, char *err, size_t errlen) {
    memset(mem, 0, sizeof *mem);
    const char *force = getenv("VAEVK_FORCE_STAGING");
    mem->force_staging = force && strcmp(force, "1") == 0;
    VkPhysicalDeviceType type = ctx->props.deviceType;
    mem->uma = type == VK_PHYSICAL_DEVICE_TYPE_CPU || type == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU;
    return vk_transfer_init(ctx, mem, err, errlen);
}

int vk_memory_alloc_arenas(vk_context *ctx, vk_memory *mem, const uint32_t words[VAE_ARENA_COUNT],
                           char *err, size_t errlen) {
    ctx->vk.vkDeviceWaitIdle(ctx->device);
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        destroy_arena(ctx, &mem->arena[a]);
    int direct = mem->uma && !mem->force_staging;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        if (words[a] == 0)
            continue; /* an empty arena has no buffer; no tensor can use it */
        vk_arena *ar = &mem->arena[a];
        int status;
        if (a == VAE_ARENA_IO)
            status = make_arena(ctx, ar, words[a], host_prefs, 2, 1, arena_names[a], err, errlen);
        else if (direct)
            status = make_arena(ctx, ar, words[a], uma_prefs, 3, 1, arena_names[a], err, errlen);
        else
            status = make_arena(ctx, ar, words[a], device_prefs, 2, 0, arena_names[a], err, errlen);
        if (status == 0)
            status = vk_transfer_zero(ctx, mem, ar, err, errlen);
        if (status != 0) {
            for (int b = 0; b <= a; b++)
                destroy_arena(ctx, &mem->arena[b]);
            return -1;
        }
    }
    return 0;
}

int vk_memory_make_staging(vk_context *ctx, vk_memory *mem, uint64_t words, char *err, size_t errlen) {
    return make_arena(ctx, &mem->staging, words, host_prefs, 2, 1, "staging", err, errlen);
}

int vk_memory_make_scratch(vk_context *ctx, vk_arena *ar, uint64_t words, char *err, size_t errlen) {
    return make_arena(ctx, ar, words, device_prefs, 2, 0, "scratch", err, errlen);
}

void vk_memory_destroy_buffer(vk_context *ctx, vk_arena *ar) { destroy_arena(ctx, ar); }

int vk_memory_check(const vk_memory *mem, vae_tensor t, char *err, size_t errlen) {
    uint64_t end = (uint64_t)t.offset + t.count;
    if (t.arena >= VAE_ARENA_COUNT) {
        snprintf(err, errlen, "tensor names arena %u, which does not exist", t.arena);
        return -1;
    }
    if (end > mem->arena[t.arena].words) {
        snprintf(err, errlen, "tensor [%u, +%u) is outside the %s arena of %llu words", t.offset,
                 t.count, arena_names[t.arena], (unsigned long long)mem->arena[t.arena].words);
        return -1;
    }
    return 0;
}

void vk_memory_free(vk_context *ctx, vk_memory *mem) {
    if (ctx->device == VK_NULL_HANDLE)
        return;
    ctx->vk.vkDeviceWaitIdle(ctx->device);
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        destroy_arena(ctx, &mem->arena[a]);
    destroy_arena(ctx, &mem->staging);
    vk_transfer_free(ctx, mem);
}
