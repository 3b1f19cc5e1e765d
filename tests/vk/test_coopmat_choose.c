/* vk_coopmat_choose (src/vk/vk_coopmat_choose.c) on made-up devices: the
 * lists an NVIDIA and an AMD driver might give, lists with nothing the
 * kernel can use, too little shared memory or too few invocations for the
 * big tile, an extension this build has no kernel for; and the pipeline
 * key and grid of a choice. No Vulkan device is used. */
#include <string.h>

#include "../common/check.h"
#include "vk/vk_coopmat.h"

#define NV VAE_VK_COOPMAT_NV
#define KHR VAE_VK_COOPMAT_KHR
#define H VK_COOPMAT_FP16
#define F VK_COOPMAT_FP32
#define SG VK_COOPMAT_SCOPE_SUBGROUP

/* An H200-like device: 32-wide subgroups, 48 KiB of shared memory. */
static vae_vk_device_info device(int exts, const vae_vk_coopmat_shape *shapes, int n) {
    vae_vk_device_info d;
    memset(&d, 0, sizeof d);
    d.coopmat_exts = d.coopmat_usable = exts;
    for (int i = 0; i < n; i++)
        d.coopmat[i] = shapes[i];
    d.coopmat_count = n;
    d.fp16 = d.memory_model = 1;
    d.subgroup_size = 32;
    d.max_workgroup_invocations = 1024;
    d.max_workgroup_size[0] = 1024;
    d.max_shared_memory = 49152;
    d.max_workgroup_count[0] = d.max_workgroup_count[1] = 65535;
    return d;
}

/* fp16 in, fp16 out first (the driver's preference), then fp32 results,
 * as NVIDIA's list runs. */
static const vae_vk_coopmat_shape nvidia[] = {
    {NV, 16, 8, 16, H, H, H, H, SG, 0},
    {NV, 16, 8, 8, H, H, H, H, SG, 0},
    {NV, 16, 8, 16, H, H, F, F, SG, 0},
    {NV, 16, 8, 8, H, H, F, F, SG, 0},
    {NV, 8, 8, 32, 3, 3, 5, 5, SG, 0}, /* int8 */
};

static void nvidia_list(int built) {
    vae_vk_device_info d = device(NV, nvidia, 5);
    vk_coopmat_config c;
    char why[256] = "";
    int r = vk_coopmat_choose(&d, built, &c, why, sizeof why);
    CHECK(r == 0 && c.ext == NV && c.lm == 16 && c.ln == 8 && c.lk == 16, "NVIDIA's list: NV 16x8x16 fp32 (got %s%ux%ux%u)",
          r ? why : "", c.lm, c.ln, c.lk);
    CHECK(r == 0 && c.tile_m == 128 && c.tile_n == 128 && c.tile_k == 32 && c.sg_m * c.sg_n == 8 &&
              c.invocations == 256,
          "on the 128x128 tile, K by 32, 8 subgroups of 32 (got %ux%u by %u, %u invocations)", c.tile_m, c.tile_n,
          c.tile_k, c.invocations);
    CHECK(r == 0 && c.shared_bytes <= d.max_shared_memory && c.shared_bytes == 37888 + 8 * 16 * 8 * 4,
          "shared memory: two padded fp16 slices of A and B and a scratch block per subgroup: %u B",
          c.shared_bytes);
}

/* KHR and NV both, as a recent NVIDIA driver lists them: KHR wins when
 * built, and its larger 16x16x16 shape; NV when only NV is built. */
static void both_lists(void) {
    vae_vk_coopmat_shape s[7];
    memcpy(s, nvidia, sizeof nvidia);
    s[5] = (vae_vk_coopmat_shape){KHR, 16, 8, 16, H, H, F, F, SG, 0};
    s[6] = (vae_vk_coopmat_shape){KHR, 16, 16, 16, H, H, F, F, SG, 0};
    vae_vk_device_info d = device(NV | KHR, s, 7);
    vk_coopmat_config c;
    char why[256] = "";
    int r = vk_coopmat_choose(&d, NV | KHR, &c, why, sizeof why);
    CHECK(r == 0 && c.ext == KHR && c.lm == 16 && c.ln == 16 && c.lk == 16,
          "NV and KHR listed and built: KHR's 16x16x16 (got %d %ux%ux%u)", c.ext, c.lm, c.ln, c.lk);
    r = vk_coopmat_choose(&d, NV, &c, why, sizeof why);
    CHECK(r == 0 && c.ext == NV && c.ln == 8, "only NV built: NV's 16x8x16 (got %d %ux%ux%u)", c.ext, c.lm, c.ln,
          c.lk);
    d.coopmat_usable = NV;
    r = vk_coopmat_choose(&d, KHR, &c, why, sizeof why);
    CHECK(r != 0 && strstr(why, "no kernel"), "KHR built but its feature off, NV not built: none: %s", why);
}

/* An AMD-like device: KHR 16x16x16 only, 64-wide subgroups, 64 KiB. */
static void amd_list(void) {
    const vae_vk_coopmat_shape s[] = {
        {KHR, 16, 16, 16, H, H, H, H, SG, 0},
        {KHR, 16, 16, 16, H, H, F, F, SG, 0},
    };
    vae_vk_device_info d = device(KHR, s, 2);
    d.subgroup_size = 64;
    d.max_shared_memory = 65536;
    vk_coopmat_config c;
    char why[256] = "";
    int r = vk_coopmat_choose(&d, NV, &c, why, sizeof why);
    CHECK(r != 0 && strstr(why, "no kernel") && strstr(why, "KHR"),
          "a KHR-only device with only the NV kernel built: refused, naming the build: %s", why);
    r = vk_coopmat_choose(&d, NV | KHR, &c, why, sizeof why);
    CHECK(r == 0 && c.ext == KHR && c.lm == 16 && c.ln == 16 && c.invocations == 512 && c.tile_m == 128,
          "with a KHR kernel: 16x16x16 on the 128x128 tile, 8 subgroups of 64 (got %ux%ux%u, %u)", c.lm, c.ln,
          c.lk, c.invocations);
    d.max_workgroup_invocations = 256;
    r = vk_coopmat_choose(&d, NV | KHR, &c, why, sizeof why);
    CHECK(r == 0 && c.tile_m == 64 && c.sg_m * c.sg_n == 4 && c.invocations == 256,
          "256 invocations at most: the 64x64 tile with 4 subgroups (got %ux%u, %u)", c.tile_m, c.tile_n,
          c.invocations);
}

static void unusable(void) {
    vae_vk_device_info d = device(0, NULL, 0);
    vk_coopmat_config c;
    char why[256] = "";
    CHECK(vk_coopmat_choose(&d, NV | KHR, &c, why, sizeof why) != 0 && strstr(why, "no cooperative-matrix"),
          "no extension (lavapipe): none: %s", why);

    const vae_vk_coopmat_shape odd[] = {
        {NV, 16, 8, 16, H, H, H, H, SG, 0},          /* fp16 accumulation */
        {NV, 16, 8, 16, H, H, F, F, 2, 0},           /* workgroup scope */
        {NV, 16, 4, 16, H, H, F, F, SG, 0},          /* rows of 4 halves: 8-byte aligned */
        {NV, 16, 8, 16, 3, 3, 5, 5, SG, 0},          /* int8 */
        {NV, 48, 8, 16, H, H, F, F, SG, 0},          /* 48 divides no subgroup's rows */
    };
    d = device(NV, odd, 5);
    CHECK(vk_coopmat_choose(&d, NV, &c, why, sizeof why) != 0 && strstr(why, "none of the device's 5"),
          "nothing fp16 x fp16 + fp32 the tiles can use: none: %s", why);

    d = device(NV, nvidia, 5);
    d.max_shared_memory = 16384;
    CHECK(vk_coopmat_choose(&d, NV, &c, why, sizeof why) != 0, "16 KiB of shared memory: no tile fits: %s", why);
    d.max_shared_memory = 32768;
    int r = vk_coopmat_choose(&d, NV, &c, why, sizeof why);
    CHECK(r == 0 && c.tile_m == 64 && c.shared_bytes <= 32768,
          "32 KiB of shared memory: the 64x64 tile (%u B)", c.shared_bytes);
    d = device(NV, nvidia, 5);
    d.fp16 = 0;
    CHECK(vk_coopmat_choose(&d, NV, &c, why, sizeof why) != 0 && strstr(why, "shaderFloat16"),
          "no shaderFloat16: none: %s", why);
    d = device(NV, nvidia, 5);
    d.coopmat_usable = 0;
    CHECK(vk_coopmat_choose(&d, NV, &c, why, sizeof why) != 0 && strstr(why, "off"),
          "the extension listed but its feature off: none: %s", why);
}

static void key_and_grid(void) {
    vae_vk_device_info d = device(NV, nvidia, 5);
    vk_coopmat_config c;
    char why[256] = "";
    if (vk_coopmat_choose(&d, NV, &c, why, sizeof why) != 0) {
        CHECK(0, "a choice for the key: %s", why);
        return;
    }
    vk_pipeline_key k;
    vk_coopmat_key(&c, &k);
    CHECK(k.spec[0] == 256 && k.spec[1] == 16 && k.spec[2] == 8 && k.spec[3] == 16 &&
              k.spec[4] == (128u | 128u << 16) && k.spec[5] == (32u | 2u << 8 | 4u << 16) && k.bindings == 3 &&
              k.push_bytes == 44,
          "pipeline key: invocations, shape, packed tile and slice, 3 bindings, 44 B of push constants");
    CHECK((k.shader != NULL) == ((vae_vk_coopmat_built() & NV) != 0), "the NV kernel is there iff built (%s)",
          vae_vk_coopmat_build_note());
    uint32_t g[3];
    CHECK(vk_coopmat_groups(&c, 1000, 999, d.max_workgroup_count, g, why, sizeof why) == 0 && g[0] == 8 &&
              g[1] == 8 && g[2] == 1,
          "1000 x 999: 8 x 8 workgroups (got %u x %u)", g[0], g[1]);
    CHECK(vk_coopmat_groups(&c, 256, 16384, d.max_workgroup_count, g, why, sizeof why) == 0 && g[0] == 128 &&
              g[1] == 2,
          "256 x 16384: 128 along N, 2 along M");
    CHECK(vk_coopmat_groups(&c, 128u * 70000u, 128, d.max_workgroup_count, g, why, sizeof why) != 0,
          "70000 tiles along M: refused: %s", why);
}

int main(void) {
    nvidia_list(NV);
    both_lists();
    amd_list();
    unusable();
    key_and_grid();
    return failures ? 1 : 0;
}
