/* Opening a device: instance, physical device, one compute queue, a
 * command pool, and the limits every other part reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_context.h"
#include "vk/vk_coopmat.h"
#include "vk/vk_describe.h"

static int has_device_extension(VkPhysicalDevice pd, const char *name) {
    uint32_t n = 0;
    if (vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL) != VK_SUCCESS || n == 0)
        return 0;
    VkExtensionProperties *ext = calloc(n, sizeof *ext);
    int found = 0;
    if (ext && vkEnumerateDeviceExtensionProperties(pd, NULL, &n, ext) == VK_SUCCESS)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(ext[i].extensionName, name) == 0;
    free(ext);
    return found;
}

/* Whether to open the device with cooperative matrices: ctx->coopmat. */
static void want_coopmat(vk_context *ctx, const vae_vk_device_info *info) {
    vk_coopmat_config cfg;
    vk_coopmat_features f;
    if (vk_coopmat_choose(info, vae_vk_coopmat_built(), &cfg, ctx->coopmat_why, sizeof ctx->coopmat_why) != 0)
        return;
    if (vk_coopmat_enable(cfg.ext, &f, NULL) != 0) {
        snprintf(ctx->coopmat_why, sizeof ctx->coopmat_why, "these Vulkan headers cannot enable %s",
                 vk_coopmat_extension_name(cfg.ext));
        return;
    }
    ctx->coopmat = cfg.ext;
}

static int pick_device(vk_context *ctx, int index, int coopmat, char *err, size_t errlen) {
    VkPhysicalDevice *pd = NULL;
    uint32_t n = 0;
    if (vk_enumerate(ctx, &pd, &n, err, errlen) != 0)
        return -1;
    if (index < 0 || (uint32_t)index >= n) {
        snprintf(err, errlen, "there is no Vulkan device %d (%u found): see `vae-vk devices`", index, n);
        free(pd);
        return -1;
    }
    ctx->phys = pd[index];
    free(pd);
    vae_vk_device_info info;
    vk_describe(ctx->phys, index, &info);
    if (!info.usable) {
        snprintf(err, errlen, "Vulkan device %d (%s) cannot run vae-vk: it %s", index, info.name,
                 info.unusable_reason);
        return -1;
    }
    if (coopmat)
        want_coopmat(ctx, &info);
    vkGetPhysicalDeviceProperties(ctx->phys, &ctx->props);
    vkGetPhysicalDeviceMemoryProperties(ctx->phys, &ctx->memory);
    ctx->max_allocation = info.max_allocation_size;
    ctx->queue_family = (uint32_t)vk_compute_queue_family(ctx->phys);
    return 0;
}

static int create_device(vk_context *ctx, char *err, size_t errlen) {
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = ctx->queue_family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    /* a non-conformant (portability) driver must have its subset enabled */
    const char *exts[2];
    uint32_t nexts = 0;
    if (has_device_extension(ctx->phys, "VK_KHR_portability_subset"))
        exts[nexts++] = "VK_KHR_portability_subset";
    /* the cooperative-matrix kernel's SPIR-V declares Float16 and the Vulkan
     * memory model besides the extension's capability */
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .shaderFloat16 = VK_TRUE,
        .vulkanMemoryModel = VK_TRUE,
    };
    vk_coopmat_features coopmat;
    int with_coopmat = ctx->coopmat && vk_coopmat_enable(ctx->coopmat, &coopmat, NULL) == 0;
    if (with_coopmat) {
        f12.pNext = &coopmat;
        exts[nexts++] = vk_coopmat_extension_name(ctx->coopmat);
    }
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = with_coopmat ? &f12 : NULL,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &queue,
        .enabledExtensionCount = nexts,
        .ppEnabledExtensionNames = exts,
    };
    VkResult r = vkCreateDevice(ctx->phys, &info, NULL, &ctx->device);
    if (r != VK_SUCCESS) {
        ctx->device = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "creating the Vulkan device", r);
    }
    volkLoadDeviceTable(&ctx->vk, ctx->device);
    ctx->vk.vkGetDeviceQueue(ctx->device, ctx->queue_family, 0, &ctx->queue);
    VkCommandPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = ctx->queue_family,
    };
    r = ctx->vk.vkCreateCommandPool(ctx->device, &pool, NULL, &ctx->pool);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating a command pool", r);
    return 0;
}

static int open_device(vk_context *ctx, int index, int coopmat, char *err, size_t errlen) {
    memset(ctx, 0, sizeof *ctx);
    snprintf(ctx->coopmat_why, sizeof ctx->coopmat_why, "not asked for");
    if (vk_instance_create(ctx, err, errlen) != 0)
        return -1;
    if (pick_device(ctx, index, coopmat, err, errlen) != 0 || create_device(ctx, err, errlen) != 0) {
        vk_context_close(ctx);
        return -1;
    }
    return 0;
}

int vk_context_open(vk_context *ctx, int index, char *err, size_t errlen) {
    return open_device(ctx, index, 0, err, errlen);
}

int vk_context_open_coopmat(vk_context *ctx, int index, char *err, size_t errlen) {
    return open_device(ctx, index, 1, err, errlen);
}

void vk_context_close(vk_context *ctx) {
    if (ctx->device != VK_NULL_HANDLE) {
        ctx->vk.vkDeviceWaitIdle(ctx->device);
        if (ctx->pool != VK_NULL_HANDLE)
            ctx->vk.vkDestroyCommandPool(ctx->device, ctx->pool, NULL);
        ctx->vk.vkDestroyDevice(ctx->device, NULL);
    }
    ctx->device = VK_NULL_HANDLE;
    ctx->pool = VK_NULL_HANDLE;
    vk_instance_destroy(ctx);
}
