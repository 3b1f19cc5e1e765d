/* A physical device's description: the public vae_vk_device_info. */
#ifndef VAEVK_VK_DESCRIBE_H
#define VAEVK_VK_DESCRIBE_H

#include "vaevk/vulkan.h"
#include "vk/vk_context.h"

/* Fills info; info->usable says whether the backend can run on it. */
void vk_describe(VkPhysicalDevice pd, int index, vae_vk_device_info *info);
/* The first queue family with compute, or -1. */
int vk_compute_queue_family(VkPhysicalDevice pd);

#endif
