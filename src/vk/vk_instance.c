/* Loading Vulkan and creating the instance, optionally under the validation
 * layer, whose warnings and errors are printed and counted. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/vulkan.h"
#include "vk/vk_context.h"

static atomic_int validation_messages;

int vae_vk_validation_messages(void) { return atomic_load(&validation_messages); }

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
    (void)type;
    (void)user;
    atomic_fetch_add(&validation_messages, 1);
    fprintf(stderr, "vulkan validation %s: %s\n",
            severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
            data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

static int validation_wanted(void) {
    const char *v = getenv("VAEVK_VALIDATION");
    return v && strcmp(v, "1") == 0;
}

static int has_layer(const char *name) {
    uint32_t n = 0;
    if (vkEnumerateInstanceLayerProperties(&n, NULL) != VK_SUCCESS || n == 0)
        return 0;
    VkLayerProperties *layers = calloc(n, sizeof *layers);
    int found = 0;
    if (layers && vkEnumerateInstanceLayerProperties(&n, layers) == VK_SUCCESS)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(layers[i].layerName, name) == 0;
    free(layers);
    return found;
}

static int has_instance_extension(const char *name) {
    uint32_t n = 0;
    if (vkEnumerateInstanceExtensionProperties(NULL, &n, NULL) != VK_SUCCESS || n == 0)
        return 0;
    VkExtensionProperties *ext = calloc(n, sizeof *ext);
    int found = 0;
    if (ext && vkEnumerateInstanceExtensionProperties(NULL, &n, ext) == VK_SUCCESS)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(ext[i].extensionName, name) == 0;
    free(ext);
    return found;
}

static int load_vulkan(char *err, size_t errlen) {
    static int loaded = 0;
    if (loaded)
        return 0;
    if (volkInitialize() != VK_SUCCESS) {
        snprintf(err, errlen, "no Vulkan loader (libvulkan.so.1) found: install it and a Vulkan "
                              "driver (e.g. libvulkan1 and mesa-vulkan-drivers) or use the CPU backend");
        return -1;
    }
    uint32_t version = volkGetInstanceVersion();
    if (version < VK_API_VERSION_1_2) {
        snprintf(err, errlen, "the Vulkan loader supports Vulkan %u.%u, vae-vk needs 1.2: update libvulkan1",
                 VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version));
        return -1;
    }
    loaded = 1;
    return 0;
}

static const VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
    .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
    .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
    .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
    .pfnUserCallback = on_message,
};

static const VkValidationFeatureEnableEXT sync_validation[] = {
    VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT,
};

/* Chained into the instance's creation so instance creation itself is
 * validated and reported too. */
static const VkValidationFeaturesEXT validation_features = {
    .sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
    .pNext = &messenger_info,
    .enabledValidationFeatureCount = 1,
    .pEnabledValidationFeatures = sync_validation,
};

static const VkApplicationInfo app_info = {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .pApplicationName = "vae-vk",
    .pEngineName = "vae-vk",
    .apiVersion = VK_API_VERSION_1_2,
};

static int create_instance(vk_context *ctx, int validate, char *err, size_t errlen) {
    const char *layers[1] = {"VK_LAYER_KHRONOS_validation"}, *exts[3];
    uint32_t nexts = 0;
    VkInstanceCreateFlags flags = 0;
    /* MoltenVK and other non-conformant drivers are only listed on request */
    if (has_instance_extension(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
        exts[nexts++] = VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME;
        flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
    }
    if (validate) {
        exts[nexts++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
        exts[nexts++] = VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME;
    }
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = validate ? &validation_features : NULL,
        .flags = flags,
        .pApplicationInfo = &app_info,
        .enabledLayerCount = validate ? 1 : 0,
        .ppEnabledLayerNames = layers,
        .enabledExtensionCount = nexts,
        .ppEnabledExtensionNames = exts,
    };
    VkResult r = vkCreateInstance(&info, NULL, &ctx->instance);
    if (r == VK_SUCCESS)
        return 0;
    ctx->instance = VK_NULL_HANDLE;
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) { /* what the loader says when it finds no driver */
        snprintf(err, errlen, "no Vulkan driver found (vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER): "
                              "install one (e.g. mesa-vulkan-drivers for lavapipe) or use the CPU backend");
        return -1;
    }
    return vk_fail(err, errlen, "creating the Vulkan instance", r);
}

int vk_instance_create(vk_context *ctx, char *err, size_t errlen) {
    if (load_vulkan(err, errlen) != 0)
        return -1;
    int validate = validation_wanted();
    if (validate && !has_layer("VK_LAYER_KHRONOS_validation")) {
        snprintf(err, errlen, "VAEVK_VALIDATION=1 but the layer VK_LAYER_KHRONOS_validation is not "
                              "installed: install vulkan-validationlayers or unset VAEVK_VALIDATION");
        return -1;
    }
    if (create_instance(ctx, validate, err, errlen) != 0)
        return -1;
    volkLoadInstanceOnly(ctx->instance);
    if (validate) {
        VkResult r = vkCreateDebugUtilsMessengerEXT(ctx->instance, &messenger_info, NULL, &ctx->messenger);
        if (r != VK_SUCCESS) {
            vk_instance_destroy(ctx);
            return vk_fail(err, errlen, "creating the validation messenger", r);
        }
    }
    return 0;
}

void vk_instance_destroy(vk_context *ctx) {
    if (ctx->instance == VK_NULL_HANDLE)
        return;
    /* instance functions are reloaded in case another instance came since */
    volkLoadInstanceOnly(ctx->instance);
    if (ctx->messenger != VK_NULL_HANDLE)
        vkDestroyDebugUtilsMessengerEXT(ctx->instance, ctx->messenger, NULL);
    vkDestroyInstance(ctx->instance, NULL);
    ctx->instance = VK_NULL_HANDLE;
    ctx->messenger = VK_NULL_HANDLE;
}

int vk_enumerate(vk_context *ctx, VkPhysicalDevice **out, uint32_t *count,
                 char *err, size_t errlen) {
    uint32_t n = 0;
    VkResult r = vkEnumeratePhysicalDevices(ctx->instance, &n, NULL);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "listing Vulkan devices", r);
    if (n == 0) {
        snprintf(err, errlen, "no Vulkan device found: install a Vulkan driver (e.g. "
                              "mesa-vulkan-drivers for lavapipe) or use the CPU backend");
        return -1;
    }
    *out = calloc(n, sizeof **out);
    if (!*out) {
        snprintf(err, errlen, "out of memory listing Vulkan devices");
        return -1;
    }
    r = vkEnumeratePhysicalDevices(ctx->instance, &n, *out);
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
        free(*out);
        *out = NULL;
        return vk_fail(err, errlen, "listing Vulkan devices", r);
    }
    *count = n;
    return 0;
}
