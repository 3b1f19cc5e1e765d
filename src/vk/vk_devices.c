/* The public device listing: vae_vk_list_devices, vae_vk_best_device,
 * vae_vk_best_gpu and the Vulkan part of the `vae-vk devices` report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/vulkan.h"
#include "vk/vk_context.h"
#include "vk/vk_coopmat.h"
#include "vk/vk_describe.h"

int vae_vk_list_devices(vae_vk_device_info **out, int *count, char *err, size_t errlen) {
    *out = NULL;
    *count = 0;
    vk_context ctx = {0};
    if (vk_instance_create(&ctx, err, errlen) != 0)
        return -1;
    VkPhysicalDevice *pd = NULL;
    uint32_t n = 0;
    int status = vk_enumerate(&ctx, &pd, &n, err, errlen);
    if (status == 0) {
        *out = calloc(n, sizeof **out);
        if (*out) {
            for (uint32_t i = 0; i < n; i++)
                vk_describe(pd[i], (int)i, &(*out)[i]);
            *count = (int)n;
        } else {
            snprintf(err, errlen, "out of memory listing Vulkan devices");
            status = -1;
        }
    }
    free(pd);
    vk_instance_destroy(&ctx);
    return status;
}

static int type_rank(const char *type) {
    static const char *order[] = {"discrete", "integrated", "virtual", "cpu"};
    for (int i = 0; i < 4; i++)
        if (strcmp(type, order[i]) == 0)
            return i;
    return 4;
}

/* The first usable device of the best type ranked below `below`. */
static int best_of(const vae_vk_device_info *d, int n, int below) {
    int best = -1;
    for (int i = 0; i < n; i++)
        if (d[i].usable && type_rank(d[i].type) < below &&
            (best < 0 || type_rank(d[i].type) < type_rank(d[best].type)))
            best = i;
    return best;
}

static int best_below(int below) {
    vae_vk_device_info *d = NULL;
    int n = 0;
    char err[256];
    if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0)
        return -1;
    int best = best_of(d, n, below);
    free(d);
    return best;
}

int vae_vk_best_device(void) { return best_below(5); }
int vae_vk_best_gpu(void) { return best_below(3); }

static void print_size(FILE *f, uint64_t bytes) {
    if (bytes >= (1ull << 30))
        fprintf(f, "%.1f GiB", (double)bytes / (double)(1ull << 30));
    else if (bytes >= (1ull << 20))
        fprintf(f, "%.0f MiB", (double)bytes / (double)(1ull << 20));
    else
        fprintf(f, "%.0f KiB", (double)bytes / 1024.0);
}

/* The shapes of one extension, "MxNxK A*B+C->R" (scope only when not a
 * subgroup), several to a line. */
static void print_shapes(FILE *f, const vae_vk_device_info *d, int ext, const char *name) {
    int col = 0;
    for (int i = 0; i < d->coopmat_count; i++) {
        const vae_vk_coopmat_shape *s = &d->coopmat[i];
        if (s->ext != ext)
            continue;
        char text[96];
        int len = snprintf(text, sizeof text, "%ux%ux%u %s*%s+%s->%s%s%s", s->m, s->n, s->k,
                           vae_vk_component_name(s->a), vae_vk_component_name(s->b),
                           vae_vk_component_name(s->c), vae_vk_component_name(s->result),
                           s->scope == VK_COOPMAT_SCOPE_SUBGROUP ? "" : " (not subgroup)",
                           s->saturating ? " saturating" : "");
        if (col == 0 || col + len + 2 > 96) {
            fprintf(f, "%s     %s%s", col ? "\n" : "", col ? "" : name, col ? "    " : ": ");
            col = 9;
        } else {
            fprintf(f, ", ");
            col += 2;
        }
        fprintf(f, "%s", text);
        col += len;
    }
    if (col)
        fprintf(f, "\n");
}

/* The device's cooperative matrices and what the product kernel would use. */
static void print_coopmat(FILE *f, const vae_vk_device_info *d) {
    if (!d->coopmat_exts) {
        fprintf(f, "   cooperative matrices: none (neither VK_NV_cooperative_matrix nor "
                   "VK_KHR_cooperative_matrix is listed)\n");
        return;
    }
    static const struct { int ext; const char *name, *full; } exts[] = {
        {VAE_VK_COOPMAT_NV, "NV ", "VK_NV_cooperative_matrix"},
        {VAE_VK_COOPMAT_KHR, "KHR", "VK_KHR_cooperative_matrix"},
    };
    fprintf(f, "   cooperative matrices:");
    for (int e = 0; e < 2; e++)
        if (d->coopmat_exts & exts[e].ext)
            fprintf(f, " %s%s", exts[e].full,
                    d->coopmat_usable & exts[e].ext ? "" : " (feature off or not for compute)");
    fprintf(f, "; shapes M x N x K, A*B+C->result:\n");
    for (int e = 0; e < 2; e++)
        print_shapes(f, d, exts[e].ext, exts[e].name);
    vk_coopmat_config cfg;
    char why[256];
    if (vk_coopmat_choose(d, vae_vk_coopmat_built(), &cfg, why, sizeof why) == 0)
        fprintf(f, "     product kernel: %s %ux%ux%u, tile %ux%u, K by %u, %u subgroups, %u B shared\n",
                cfg.ext == VAE_VK_COOPMAT_NV ? "NV" : "KHR", cfg.lm, cfg.ln, cfg.lk, cfg.tile_m, cfg.tile_n,
                cfg.tile_k, cfg.sg_m * cfg.sg_n, cfg.shared_bytes);
    else
        fprintf(f, "     product kernel: none: %s\n", why);
}

static void print_device(FILE *f, const vae_vk_device_info *d, int best) {
    fprintf(f, "%d: %s%s\n", d->index, d->name, d->index == best ? "  [default]" : "");
    fprintf(f, "   vendor %s, type %s, driver %s, driver version %s, Vulkan %u.%u.%u\n",
            d->vendor, d->type, d->driver[0] ? d->driver : "(unknown)", d->driver_version_text,
            VK_API_VERSION_MAJOR(d->api_version), VK_API_VERSION_MINOR(d->api_version),
            VK_API_VERSION_PATCH(d->api_version));
    fprintf(f, "   memory heaps:");
    for (int h = 0; h < d->heap_count; h++) {
        fprintf(f, "%s ", h ? "," : "");
        print_size(f, d->heap_size[h]);
        fprintf(f, "%s", d->heap_device_local[h] ? " device-local" : " host");
    }
    fprintf(f, "\n   subgroup size %u; fp16 %s, int8 %s, 16-bit storage %s\n", d->subgroup_size,
            d->fp16 ? "yes" : "no", d->int8 ? "yes" : "no", d->storage16 ? "yes" : "no");
    fprintf(f, "   limits: storage buffer range ");
    print_size(f, d->max_storage_buffer_range);
    fprintf(f, ", max allocation ");
    print_size(f, d->max_allocation_size);
    fprintf(f, ", workgroup count %u x %u x %u, workgroup size %u x %u x %u, invocations %u,\n"
               "           shared memory %u B, push constants %u B, storage offset alignment %llu B\n",
            d->max_workgroup_count[0], d->max_workgroup_count[1], d->max_workgroup_count[2],
            d->max_workgroup_size[0], d->max_workgroup_size[1], d->max_workgroup_size[2],
            d->max_workgroup_invocations, d->max_shared_memory, d->max_push_constants,
            (unsigned long long)d->min_storage_offset_alignment);
    print_coopmat(f, d);
    if (!d->usable)
        fprintf(f, "   not usable: %s\n", d->unusable_reason);
}

void vae_vk_print_devices(FILE *f) {
    vae_vk_device_info *d = NULL;
    int n = 0;
    char err[512];
    if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0) {
        fprintf(f, "no Vulkan devices: %s\n", err);
        fprintf(f, "cooperative-matrix kernels built with: %s\n", vae_vk_coopmat_build_note());
        return;
    }
    uint32_t loader = volkGetInstanceVersion();
    fprintf(f, "Vulkan devices (loader %u.%u.%u):\n", VK_API_VERSION_MAJOR(loader),
            VK_API_VERSION_MINOR(loader), VK_API_VERSION_PATCH(loader));
    fprintf(f, "cooperative-matrix kernels built with: %s\n", vae_vk_coopmat_build_note());
    int gpu = best_of(d, n, 3);
    for (int i = 0; i < n; i++)
        print_device(f, &d[i], gpu);
    if (best_of(d, n, 5) < 0)
        fprintf(f, "none of them can run vae-vk\n");
    free(d);
}
