/* What every part of the Vulkan backend shares: the instance, the chosen
 * device, its queue and its limits. Vulkan itself comes from volk: global
 * and instance functions through volk's globals, device functions through
 * the per-device table `vk`, so two backends on two devices can coexist. */
#ifndef VAEVK_VK_CONTEXT_H
#define VAEVK_VK_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include <volk.h>

typedef struct {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    VkPhysicalDevice phys;
    VkPhysicalDeviceProperties props;         /* props.limits: everything we rely on */
    VkPhysicalDeviceMemoryProperties memory;
    uint64_t max_allocation;                  /* maxMemoryAllocationSize */
    VkDevice device;
    struct VolkDeviceTable vk;
    uint32_t queue_family;
    VkQueue queue;
    VkCommandPool pool;
    /* The cooperative-matrix extension opened with the device
     * (VAE_VK_COOPMAT_NV or _KHR; 0: none, and coopmat_why says why). */
    int coopmat;
    char coopmat_why[256];
} vk_context;

/* Loads the Vulkan loader (once) and creates an instance, with the validation
 * layer and synchronization validation when VAEVK_VALIDATION=1.
 * 0, or -1 with one line in err. */
int vk_instance_create(vk_context *ctx, char *err, size_t errlen);
void vk_instance_destroy(vk_context *ctx);

/* An instance, then device `index` of vkEnumeratePhysicalDevices with one
 * compute queue and a command pool. 0, or -1 with one line in err. */
int vk_context_open(vk_context *ctx, int index, char *err, size_t errlen);
/* The same, with the cooperative-matrix extension and the features its
 * kernel needs (shaderFloat16, vulkanMemoryModel) enabled where the device
 * and this build allow (vk_coopmat_choose). Only code that runs the
 * kernel asks for them; the device opens either way. */
int vk_context_open_coopmat(vk_context *ctx, int index, char *err, size_t errlen);
/* Waits for the device to go idle and destroys everything open() made. */
void vk_context_close(vk_context *ctx);

/* The physical devices of ctx's instance, malloc'd; -1 with err if none. */
int vk_enumerate(vk_context *ctx, VkPhysicalDevice **out, uint32_t *count,
                 char *err, size_t errlen);

/* "VK_ERROR_OUT_OF_DEVICE_MEMORY" and the like. */
const char *vk_result_name(VkResult r);
/* Writes "<what> failed: <result>" (plus a hint for the usual results) into
 * err and returns -1. */
int vk_fail(char *err, size_t errlen, const char *what, VkResult r);

#endif
