/* What a device is and what it can do, read from the driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_coopmat.h"
#include "vk/vk_describe.h"

static const char *vendor_name(uint32_t id) {
    switch (id) {
    case 0x1002: return "AMD";
    case 0x1010: return "ImgTec";
    case 0x10DE: return "NVIDIA";
    case 0x13B5: return "ARM";
    case 0x5143: return "Qualcomm";
    case 0x8086: return "Intel";
    case 0x106B: return "Apple";
    case 0x10005: return "Mesa";
    default: return NULL;
    }
}

static const char *type_name(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

/* NVIDIA packs 10.8.8.6 bits; Intel on Windows 18.14; the rest use Vulkan's. */
static void driver_version_text(uint32_t vendor, uint32_t v, char *out, size_t len) {
    if (vendor == 0x10DE)
        snprintf(out, len, "%u.%u.%u.%u", v >> 22, (v >> 14) & 0xff, (v >> 6) & 0xff, v & 0x3f);
    else
        snprintf(out, len, "%u.%u.%u", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
                 VK_API_VERSION_PATCH(v));
}

int vk_compute_queue_family(VkPhysicalDevice pd) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties *q = calloc(n ? n : 1, sizeof *q);
    int found = -1;
    if (q) {
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, q);
        for (uint32_t i = 0; i < n && found < 0; i++)
            if ((q[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && q[i].queueCount > 0)
                found = (int)i;
    }
    free(q);
    return found;
}

static void copy_limits(vae_vk_device_info *info, const VkPhysicalDeviceLimits *l) {
    info->max_storage_buffer_range = l->maxStorageBufferRange;
    for (int i = 0; i < 3; i++) {
        info->max_workgroup_count[i] = l->maxComputeWorkGroupCount[i];
        info->max_workgroup_size[i] = l->maxComputeWorkGroupSize[i];
    }
    info->max_workgroup_invocations = l->maxComputeWorkGroupInvocations;
    info->max_shared_memory = l->maxComputeSharedMemorySize;
    info->max_push_constants = l->maxPushConstantsSize;
    info->min_storage_offset_alignment = l->minStorageBufferOffsetAlignment;
}

/* The Vulkan 1.1/1.2 property and feature structs: only for 1.2 devices. */
static void describe_12(VkPhysicalDevice pd, vae_vk_device_info *info) {
    VkPhysicalDeviceVulkan12Properties p12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
    VkPhysicalDeviceVulkan11Properties p11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES,
                                              .pNext = &p12};
    VkPhysicalDeviceProperties2 p = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &p11};
    vkGetPhysicalDeviceProperties2(pd, &p);
    info->subgroup_size = p11.subgroupSize;
    info->max_allocation_size = p11.maxMemoryAllocationSize;
    snprintf(info->driver, sizeof info->driver, "%.60s %.60s", p12.driverName, p12.driverInfo);

    VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceVulkan11Features f11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
                                            .pNext = &f12};
    VkPhysicalDeviceFeatures2 f = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f11};
    vkGetPhysicalDeviceFeatures2(pd, &f);
    info->fp16 = f12.shaderFloat16 != 0;
    info->int8 = f12.shaderInt8 != 0;
    info->storage16 = f11.storageBuffer16BitAccess != 0;
    info->memory_model = f12.vulkanMemoryModel != 0;
}

void vk_describe(VkPhysicalDevice pd, int index, vae_vk_device_info *info) {
    memset(info, 0, sizeof *info);
    info->index = index;
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    snprintf(info->name, sizeof info->name, "%s", p.deviceName);
    const char *vendor = vendor_name(p.vendorID);
    if (vendor)
        snprintf(info->vendor, sizeof info->vendor, "%s", vendor);
    else
        snprintf(info->vendor, sizeof info->vendor, "0x%04x", p.vendorID);
    snprintf(info->type, sizeof info->type, "%s", type_name(p.deviceType));
    info->api_version = p.apiVersion;
    info->driver_version = p.driverVersion;
    driver_version_text(p.vendorID, p.driverVersion, info->driver_version_text,
                        sizeof info->driver_version_text);
    copy_limits(info, &p.limits);

    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    info->heap_count = (int)(mem.memoryHeapCount < VAE_VK_MAX_HEAPS ? mem.memoryHeapCount : VAE_VK_MAX_HEAPS);
    for (int h = 0; h < info->heap_count; h++) {
        info->heap_size[h] = mem.memoryHeaps[h].size;
        info->heap_device_local[h] = (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0;
    }

    if (p.apiVersion < VK_API_VERSION_1_2) {
        snprintf(info->unusable_reason, sizeof info->unusable_reason,
                 "supports Vulkan %u.%u, vae-vk needs 1.2", VK_API_VERSION_MAJOR(p.apiVersion),
                 VK_API_VERSION_MINOR(p.apiVersion));
        return;
    }
    describe_12(pd, info);
    vk_coopmat_query(pd, info);
    /* tensors sit on 256-byte boundaries (vaevk/tensor.h) */
    if (p.limits.minStorageBufferOffsetAlignment == 0 ||
        256 % p.limits.minStorageBufferOffsetAlignment != 0) {
        snprintf(info->unusable_reason, sizeof info->unusable_reason,
                 "minStorageBufferOffsetAlignment %llu does not divide 256",
                 (unsigned long long)p.limits.minStorageBufferOffsetAlignment);
        return;
    }
    if (vk_compute_queue_family(pd) < 0) {
        snprintf(info->unusable_reason, sizeof info->unusable_reason, "has no compute queue");
        return;
    }
    info->usable = 1;
}
