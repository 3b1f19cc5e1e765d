/* The cooperative-matrix kernels this build has: shaders/meson.build
 * compiles gemm_coopmat.comp once per extension its glslang accepts and
 * says which in coopmat_build.h. */
#include <stdio.h>
#include <string.h>

#include "shaders/coopmat_build.h"
#include "vk/vk_coopmat.h"

#if VAEVK_COOPMAT_NV
#include "shaders/gemm_coopmat_nv.h"
static const vk_shader nv_shader = {"gemm_coopmat_nv", gemm_coopmat_nv_spv, sizeof gemm_coopmat_nv_spv};
#endif
#if VAEVK_COOPMAT_KHR
#include "shaders/gemm_coopmat_khr.h"
static const vk_shader khr_shader = {"gemm_coopmat_khr", gemm_coopmat_khr_spv, sizeof gemm_coopmat_khr_spv};
#endif

const vk_shader *vk_coopmat_shader(int ext) {
#if VAEVK_COOPMAT_NV
    if (ext == VAE_VK_COOPMAT_NV)
        return &nv_shader;
#endif
#if VAEVK_COOPMAT_KHR
    if (ext == VAE_VK_COOPMAT_KHR)
        return &khr_shader;
#endif
    (void)ext;
    return NULL;
}

int vae_vk_coopmat_built(void) {
    return (VAEVK_COOPMAT_NV ? VAE_VK_COOPMAT_NV : 0) | (VAEVK_COOPMAT_KHR ? VAE_VK_COOPMAT_KHR : 0);
}

/* What was built, then in brackets why the rest was not: "NV cooperative
 * matrix (KHR: glslang 12.0.0 is too old, needs >= 13)". */
const char *vae_vk_coopmat_build_note(void) {
    static char note[320];
    const char *notes[2] = {VAEVK_COOPMAT_NV_NOTE, VAEVK_COOPMAT_KHR_NOTE};
    const int built[2] = {VAEVK_COOPMAT_NV, VAEVK_COOPMAT_KHR};
    char made[128] = "", not_made[192] = "";
    for (int i = 0; i < 2; i++) {
        char *to = built[i] ? made : not_made;
        size_t size = built[i] ? sizeof made : sizeof not_made, len = strlen(to);
        snprintf(to + len, size - len, "%s%s", len ? (built[i] ? ", " : "; ") : "", notes[i]);
    }
    snprintf(note, sizeof note, "%s%s%s%s", made[0] ? made : "no cooperative-matrix kernel",
             not_made[0] ? " (" : "", not_made, not_made[0] ? ")" : "");
    return note;
}
