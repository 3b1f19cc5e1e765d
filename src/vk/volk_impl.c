/* The one compilation of volk, which loads libvulkan with dlopen at run time
 * and fills in the Vulkan entry points: no link-time dependency on Vulkan. */
#include <volk.c>
