/* A device's cooperative matrices: which of VK_NV_cooperative_matrix and
 * VK_KHR_cooperative_matrix it lists, whether their feature is on and they
 * reach compute shaders, and the shapes each enumerates. */
#include <stdlib.h>
#include <string.h>

#include "vk/vk_coopmat.h"

/* VK_KHR_cooperative_matrix as the Vulkan specification defines it
 * (extension 507, structure types 1000506000..2). Debian 12's headers
 * (1.3.239) predate it, so these are written out here under names of our
 * own, with the specification's layout; the function is asked of the
 * loader by name. */
#define VK_KHR_COOPMAT_FEATURES_STYPE ((VkStructureType)1000506000)
#define VK_KHR_COOPMAT_SHAPE_STYPE ((VkStructureType)1000506001)
#define VK_KHR_COOPMAT_PROPERTIES_STYPE ((VkStructureType)1000506002)

typedef struct { /* VkPhysicalDeviceCooperativeMatrixPropertiesKHR */
    VkStructureType sType;
    void *pNext;
    VkShaderStageFlags cooperativeMatrixSupportedStages;
} vk_khr_coopmat_properties;

typedef struct { /* VkCooperativeMatrixPropertiesKHR */
    VkStructureType sType;
    void *pNext;
    uint32_t MSize, NSize, KSize;
    uint32_t AType, BType, CType, ResultType; /* VkComponentTypeKHR */
    VkBool32 saturatingAccumulation;
    uint32_t scope;                           /* VkScopeKHR */
} vk_khr_coopmat_shape;

typedef VkResult(VKAPI_PTR *vk_khr_coopmat_list_fn)(VkPhysicalDevice, uint32_t *, vk_khr_coopmat_shape *);

static int has_extension(const VkExtensionProperties *ext, uint32_t n, const char *name) {
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(ext[i].extensionName, name) == 0)
            return 1;
    return 0;
}

static int listed_extensions(VkPhysicalDevice pd) {
    uint32_t n = 0;
    if (vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL) != VK_SUCCESS || n == 0)
        return 0;
    VkExtensionProperties *ext = calloc(n, sizeof *ext);
    int found = 0;
    if (ext && vkEnumerateDeviceExtensionProperties(pd, NULL, &n, ext) == VK_SUCCESS) {
        if (has_extension(ext, n, "VK_NV_cooperative_matrix"))
            found |= VAE_VK_COOPMAT_NV;
        if (has_extension(ext, n, "VK_KHR_cooperative_matrix"))
            found |= VAE_VK_COOPMAT_KHR;
    }
    free(ext);
    return found;
}

static void add_shape(vae_vk_device_info *info, vae_vk_coopmat_shape s) {
    if (info->coopmat_count < VAE_VK_MAX_COOPMAT_SHAPES)
        info->coopmat[info->coopmat_count++] = s;
}

static void query_nv(VkPhysicalDevice pd, vae_vk_device_info *info) {
    VkPhysicalDeviceCooperativeMatrixFeaturesNV f = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f};
    vkGetPhysicalDeviceFeatures2(pd, &f2);
    VkPhysicalDeviceCooperativeMatrixPropertiesNV p = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_PROPERTIES_NV};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &p};
    vkGetPhysicalDeviceProperties2(pd, &p2);
    if (f.cooperativeMatrix && (p.cooperativeMatrixSupportedStages & VK_SHADER_STAGE_COMPUTE_BIT))
        info->coopmat_usable |= VAE_VK_COOPMAT_NV;
    if (!vkGetPhysicalDeviceCooperativeMatrixPropertiesNV)
        return;
    uint32_t n = 0;
    if (vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(pd, &n, NULL) != VK_SUCCESS || n == 0)
        return;
    VkCooperativeMatrixPropertiesNV *s = calloc(n, sizeof *s);
    if (!s)
        return;
    for (uint32_t i = 0; i < n; i++)
        s[i].sType = VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV;
    VkResult r = vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(pd, &n, s);
    if (r == VK_SUCCESS || r == VK_INCOMPLETE)
        for (uint32_t i = 0; i < n; i++)
            add_shape(info, (vae_vk_coopmat_shape){VAE_VK_COOPMAT_NV, s[i].MSize, s[i].NSize, s[i].KSize,
                                                   (uint32_t)s[i].AType, (uint32_t)s[i].BType,
                                                   (uint32_t)s[i].CType, (uint32_t)s[i].DType,
                                                   (uint32_t)s[i].scope, 0});
    free(s);
}

/* The feature and property structs go into pNext chains only with headers
 * that know them: a validation layer as old as Debian 12's headers reports
 * a structure type it does not know, and the tests count every report.
 * Without them, the shapes are still listed (the layer passes a function it
 * does not know straight through), and the extension stays unusable; no
 * KHR kernel is built with such old tools anyway. */
static void query_khr(VkPhysicalDevice pd, vae_vk_device_info *info) {
#ifdef VK_KHR_cooperative_matrix
    vk_coopmat_features f = {.sType = VK_KHR_COOPMAT_FEATURES_STYPE};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f};
    vkGetPhysicalDeviceFeatures2(pd, &f2);
    vk_khr_coopmat_properties p = {.sType = VK_KHR_COOPMAT_PROPERTIES_STYPE};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &p};
    vkGetPhysicalDeviceProperties2(pd, &p2);
    if (f.cooperativeMatrix && (p.cooperativeMatrixSupportedStages & VK_SHADER_STAGE_COMPUTE_BIT))
        info->coopmat_usable |= VAE_VK_COOPMAT_KHR;
#endif
    VkInstance instance = volkGetLoadedInstance();
    vk_khr_coopmat_list_fn list = NULL;
    if (instance != VK_NULL_HANDLE)
        list = (vk_khr_coopmat_list_fn)(void (*)(void))vkGetInstanceProcAddr(
            instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
    uint32_t n = 0;
    if (!list || list(pd, &n, NULL) != VK_SUCCESS || n == 0)
        return;
    vk_khr_coopmat_shape *s = calloc(n, sizeof *s);
    if (!s)
        return;
    for (uint32_t i = 0; i < n; i++)
        s[i].sType = VK_KHR_COOPMAT_SHAPE_STYPE;
    VkResult r = list(pd, &n, s);
    if (r == VK_SUCCESS || r == VK_INCOMPLETE)
        for (uint32_t i = 0; i < n; i++)
            add_shape(info, (vae_vk_coopmat_shape){VAE_VK_COOPMAT_KHR, s[i].MSize, s[i].NSize, s[i].KSize,
                                                   s[i].AType, s[i].BType, s[i].CType, s[i].ResultType,
                                                   s[i].scope, s[i].saturatingAccumulation != 0});
    free(s);
}

void vk_coopmat_query(VkPhysicalDevice pd, vae_vk_device_info *info) {
    info->coopmat_exts = listed_extensions(pd);
    if (info->coopmat_exts & VAE_VK_COOPMAT_NV)
        query_nv(pd, info);
    if (info->coopmat_exts & VAE_VK_COOPMAT_KHR)
        query_khr(pd, info);
}

const char *vae_vk_component_name(uint32_t type) {
    static const char *names[] = {"fp16", "fp32", "fp64", "sint8", "sint16", "sint32", "sint64",
                                  "uint8", "uint16", "uint32", "uint64"};
    if (type < sizeof names / sizeof names[0])
        return names[type];
    return "other"; /* e.g. the bfloat16 and fp8 types of later extensions */
}

int vk_coopmat_enable(int ext, vk_coopmat_features *f, void *next) {
    memset(f, 0, sizeof *f);
    f->pNext = next;
    f->cooperativeMatrix = VK_TRUE;
    if (ext == VAE_VK_COOPMAT_NV) {
        f->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV;
        return 0;
    }
#ifdef VK_KHR_cooperative_matrix
    if (ext == VAE_VK_COOPMAT_KHR) {
        f->sType = VK_KHR_COOPMAT_FEATURES_STYPE;
        return 0;
    }
#endif
    return -1;
}

const char *vk_coopmat_extension_name(int ext) {
    return ext == VAE_VK_COOPMAT_NV ? "VK_NV_cooperative_matrix" : "VK_KHR_cooperative_matrix";
}
