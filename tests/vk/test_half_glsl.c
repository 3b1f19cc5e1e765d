/* The shaders' f16_bits (shaders/half.glsl) on Vulkan device 0,
 * bit for bit against vae_f16_bits (which test_half checks against the
 * compiler's _Float16): the inputs where rounding can go wrong (ties and
 * their neighbours at every exponent from below the subnormal halves to
 * past the largest, windows around each boundary) and a spread over all
 * 2^32 patterns, NaNs included. The one part of the cooperative-matrix
 * kernel that runs on any device. */
#include <string.h>

#include "../common/check.h"
#include "half_bits_test.h"
#include "vaevk/half.h"
#include "vaevk/vulkan.h"
#include "vk/vk_context.h"
#include "vk/vk_memory.h"
#include "vk/vk_oneshot.h"
#include "vk/vk_pipelines.h"

#define MAX_INPUTS (1u << 21)

static uint32_t n_in;
static uint32_t *in;

static void add(uint32_t u) {
    if (n_in < MAX_INPUTS)
        in[n_in++] = u;
}

/* Both signs of everything. */
static void add_both(uint32_t u) {
    add(u & 0x7fffffffu);
    add(u | 0x80000000u);
}

static void inputs(void) {
    uint64_t seed = 7;
    /* at every fp32 exponent whose values round to a finite nonzero half
     * or to its edges: random significands, and ties (the bits dropped are
     * exactly half a unit of the result) and their neighbours */
    for (uint32_t e = 100; e <= 143; e++) {
        uint32_t drop = e >= 113 ? 13 : e >= 103 ? 126 - e : 23; /* bits of the significand dropped */
        for (int i = 0; i < 2000; i++) {
            uint32_t mant = (uint32_t)(test_next(&seed) >> 41) & 0x7fffffu;
            uint32_t tie = (mant & ~((1u << drop) - 1u)) | (1u << (drop - 1u));
            add_both(e << 23 | mant);
            for (int d = -1; d <= 1; d++)
                add_both(e << 23 | ((tie + (uint32_t)d) & 0x7fffffu));
        }
    }
    /* around each boundary: 2^-25, 2^-24, 2^-14, 1, 65504, 65520, infinity */
    static const uint32_t edges[] = {0x33000000u, 0x33800000u, 0x38800000u, 0x3f800000u,
                                     0x477fe000u, 0x477ff000u, 0x7f800000u};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        for (int d = -2048; d <= 2048; d++)
            add_both(edges[i] + (uint32_t)d);
    for (uint64_t u = 0; u < 0x100000000u; u += 4099) /* NaNs, zeros, the flat ends */
        add((uint32_t)u);
}

static int run(vk_context *ctx, uint32_t *out, char *err, size_t errlen) {
    vk_memory mem;
    vk_pipelines ps;
    vk_oneshot o = {0};
    uint32_t words[VAE_ARENA_COUNT] = {0};
    words[VAE_ARENA_PARAMS] = words[VAE_ARENA_ACTS] = n_in;
    static const vk_shader shader = {"half_bits_test", half_bits_test_spv, sizeof half_bits_test_spv};
    vk_pipeline_key key = {.shader = &shader, .spec = {64}, .bindings = 2, .push_bytes = 4};
    const vk_pipeline *pipe;
    int status = -1;
    memset(&ps, 0, sizeof ps);
    if (vk_memory_init(ctx, &mem, err, errlen) == 0 && vk_memory_alloc_arenas(ctx, &mem, words, err, errlen) == 0 &&
        vk_memory_write(ctx, &mem, (vae_tensor){VAE_ARENA_PARAMS, 0, n_in}, in, err, errlen) == 0 &&
        vk_pipelines_init(ctx, &ps, err, errlen) == 0 && vk_pipelines_get(ctx, &ps, &key, &pipe, err, errlen) == 0) {
        const VkBuffer buffers[2] = {mem.arena[VAE_ARENA_ACTS].buffer, mem.arena[VAE_ARENA_PARAMS].buffer};
        const uint32_t groups[3] = {1024, 1, 1};
        if (vk_oneshot_init(ctx, &o, pipe, buffers, err, errlen) == 0 &&
            vk_oneshot_run(ctx, &o, &n_in, groups, 1, NULL, err, errlen) == 0 &&
            vk_memory_read(ctx, &mem, (vae_tensor){VAE_ARENA_ACTS, 0, n_in}, out, err, errlen) == 0)
            status = 0;
    }
    vk_oneshot_free(ctx, &o);
    vk_pipelines_destroy(ctx, &ps);
    vk_memory_free(ctx, &mem);
    return status;
}

int main(void) {
    char err[512];
    vae_vk_device_info *d = NULL;
    int n = 0;
    if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0) {
        printf("skipped: %s\n", err);
        return 77;
    }
    free(d);
    vk_context ctx;
    if (vk_context_open(&ctx, 0, err, sizeof err) != 0) {
        printf("FAIL opening Vulkan device 0: %s\n", err);
        return 1;
    }
    in = test_alloc(MAX_INPUTS * sizeof *in);
    inputs();
    uint32_t *out = test_alloc((size_t)n_in * sizeof *out);
    int status = run(&ctx, out, err, sizeof err);
    CHECK(status == 0, "f16_bits ran on %s over %u inputs%s%s", ctx.props.deviceName, n_in, status ? ": " : "",
          status ? err : "");
    uint32_t bad = 0, first = 0;
    for (uint32_t i = 0; status == 0 && i < n_in; i++) {
        float x;
        memcpy(&x, &in[i], sizeof x);
        if (out[i] != vae_f16_bits(x) && bad++ == 0)
            first = i;
    }
    CHECK(status == 0 && bad == 0, "the shader's halves are vae_f16_bits' bit for bit: %u differ%s", bad,
          bad ? "" : "");
    if (bad) {
        float x;
        memcpy(&x, &in[first], sizeof x);
        printf("      first: 0x%08x -> 0x%04x, want 0x%04x\n", in[first], out[first], vae_f16_bits(x));
    }
    CHECK(vae_vk_validation_messages() == 0, "the validation layer said nothing (%d messages)",
          vae_vk_validation_messages());
    vk_context_close(&ctx);
    free(in), free(out);
    return failures ? 1 : 0;
}
