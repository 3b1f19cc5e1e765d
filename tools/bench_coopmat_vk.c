/* bench_coopmat on the device: the library's context (opened with
 * cooperative matrices), memory arenas and pipeline cache; A in the
 * parameter arena, B in the gradient arena, C and its guard words in the
 * activation arena; runs through vk_oneshot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_coopmat.h"
#include "vk/vk_describe.h"

static int arenas(bench *b, const bench_case *cases, int n, char *err, size_t errlen) {
    uint32_t words[VAE_ARENA_COUNT] = {0};
    for (int i = 0; i < n; i++) {
        uint64_t a = (uint64_t)cases[i].M * cases[i].K, bw = (uint64_t)cases[i].K * cases[i].N;
        uint64_t c = (uint64_t)cases[i].M * cases[i].N + GUARD;
        if (a > UINT32_MAX || bw > UINT32_MAX || c > UINT32_MAX) {
            snprintf(err, errlen, "%u x %u x %u is too large for 32-bit indexing", cases[i].M, cases[i].N,
                     cases[i].K);
            return -1;
        }
        words[VAE_ARENA_PARAMS] = a > words[VAE_ARENA_PARAMS] ? (uint32_t)a + 1 : words[VAE_ARENA_PARAMS];
        words[VAE_ARENA_GRADS] = bw > words[VAE_ARENA_GRADS] ? (uint32_t)bw + 1 : words[VAE_ARENA_GRADS];
        words[VAE_ARENA_ACTS] = c > words[VAE_ARENA_ACTS] ? (uint32_t)c : words[VAE_ARENA_ACTS];
    }
    if (vk_memory_init(&b->ctx, &b->mem, err, errlen) != 0)
        return -1;
    return vk_memory_alloc_arenas(&b->ctx, &b->mem, words, err, errlen);
}

int bench_open(bench *b, int device, const bench_case *cases, int n) {
    char err[512];
    vae_vk_device_info *list = NULL;
    int count = 0;
    if (vae_vk_list_devices(&list, &count, err, sizeof err) != 0 || device < 0 || device >= count) {
        printf("bench_coopmat: no Vulkan device %d to run on (%s)\n", device, count ? "see vae-vk devices" : err);
        free(list);
        return 77;
    }
    free(list);
    if (vk_context_open_coopmat(&b->ctx, device, err, sizeof err) != 0)
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    if (!b->ctx.coopmat) {
        printf("bench_coopmat: Vulkan device %d (%s) cannot run the cooperative-matrix kernel: %s\n", device,
               b->ctx.props.deviceName, b->ctx.coopmat_why);
        vk_context_close(&b->ctx);
        return 77;
    }
    vae_vk_device_info info;
    vk_describe(b->ctx.phys, device, &info);
    if (vk_coopmat_choose(&info, vae_vk_coopmat_built(), &b->cfg, err, sizeof err) != 0)
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    const vk_coopmat_config *c = &b->cfg;
    printf("device %d: %s, driver %s %s\n", device, info.name, info.driver, info.driver_version_text);
    printf("kernel: %s %ux%ux%u, tile %ux%u, K by %u, %u subgroups (%u invocations), %u B shared\n",
           c->ext == VAE_VK_COOPMAT_NV ? "NV" : "KHR", c->lm, c->ln, c->lk, c->tile_m, c->tile_n, c->tile_k,
           c->sg_m * c->sg_n, c->invocations, c->shared_bytes);
    vk_pipeline_key key;
    vk_coopmat_key(c, &key);
    const vk_pipeline *pipe;
    if (arenas(b, cases, n, err, sizeof err) != 0 || vk_pipelines_init(&b->ctx, &b->pipes, err, sizeof err) != 0 ||
        vk_pipelines_get(&b->ctx, &b->pipes, &key, &pipe, err, sizeof err) != 0)
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    const VkBuffer buffers[3] = {b->mem.arena[VAE_ARENA_ACTS].buffer, b->mem.arena[VAE_ARENA_PARAMS].buffer,
                                 b->mem.arena[VAE_ARENA_GRADS].buffer}; /* C, A, B */
    if (vk_oneshot_init(&b->ctx, &b->run, pipe, buffers, err, sizeof err) != 0)
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    return 0;
}

/* reps dispatches of case c; *seconds from submit to the fence. */
static int run(bench *b, const bench_case *c, int reps, double *seconds) {
    vk_coopmat_push push = bench_push(c);
    uint32_t groups[3];
    char err[256];
    if (vk_coopmat_groups(&b->cfg, c->M, c->N, b->ctx.props.limits.maxComputeWorkGroupCount, groups, err,
                          sizeof err) != 0 ||
        vk_oneshot_run(&b->ctx, &b->run, &push, groups, reps, seconds, err, sizeof err) != 0)
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    return 0;
}

static int upload(bench *b, const bench_case *c, float *a, float *bm, float *cm) {
    char err[256];
    uint32_t wc = c->M * c->N;
    bench_operands(c, a, bm);
    for (uint32_t i = 0; i < wc + GUARD; i++)
        cm[i] = i < wc ? NAN : GUARD_VALUE;
    if (vk_memory_write(&b->ctx, &b->mem, (vae_tensor){VAE_ARENA_PARAMS, 0, c->M * c->K}, a, err, sizeof err) ||
        vk_memory_write(&b->ctx, &b->mem, (vae_tensor){VAE_ARENA_GRADS, 0, c->K * c->N}, bm, err, sizeof err) ||
        vk_memory_write(&b->ctx, &b->mem, (vae_tensor){VAE_ARENA_ACTS, 0, wc + GUARD}, cm, err, sizeof err))
        return fprintf(stderr, "bench_coopmat: %s\n", err), 2;
    return 0;
}

static void report(const bench_case *c, const bench_verdict *v, int *failed) {
    char size[64];
    snprintf(size, sizeof size, "%u x %u x %u%s%s", c->M, c->N, c->K, c->transposed ? " col-major" : "",
             c->scale < 1e-3f ? " subnormal halves" : "");
    int ok = v->bad == 0 && v->guard_ok;
    printf("%-40s %s: worst error %.3g of the bound, nmse %.3g", size, ok ? "ok  " : "FAIL", v->worst_ratio,
           v->nmse);
    if (v->bad)
        printf("; %llu outputs wrong, first (%llu, %llu) = %.9g, want %.9g", (unsigned long long)v->bad,
               (unsigned long long)(v->first / c->N), (unsigned long long)(v->first % c->N), v->got, v->want);
    if (!v->guard_ok)
        printf("; wrote past the end of C");
    printf("\n");
    *failed += !ok;
}

int bench_case_run(bench *b, const bench_case *c, int reps, int *failed) {
    size_t wc = (size_t)c->M * c->N;
    float *a = malloc(((size_t)c->M * c->K + 1) * 4), *bm = malloc(((size_t)c->K * c->N + 1) * 4);
    float *cm = malloc((wc + GUARD) * 4);
    char err[256];
    double seconds;
    int status = !a || !bm || !cm ? (fprintf(stderr, "bench_coopmat: out of memory\n"), 2) : 0;
    if (status == 0)
        status = upload(b, c, a, bm, cm);
    if (status == 0)
        status = run(b, c, 1, &seconds);
    if (status == 0 &&
        vk_memory_read(&b->ctx, &b->mem, (vae_tensor){VAE_ARENA_ACTS, 0, (uint32_t)wc + GUARD}, cm, err, sizeof err))
        status = (fprintf(stderr, "bench_coopmat: %s\n", err), 2);
    if (status == 0) {
        bench_verdict v;
        long threads = sysconf(_SC_NPROCESSORS_ONLN);
        bench_check(c, a, bm, cm, threads < 1 ? 1 : threads > 64 ? 64 : (int)threads, &v);
        report(c, &v, failed);
    }
    double flop = 2.0 * c->M * c->N * c->K;
    if (reps <= 0)
        reps = flop > 0 ? (int)fmin(500, fmax(3, 1e13 / flop)) : 3;
    if (status == 0 && flop > 0 && (status = run(b, c, reps, &seconds)) == 0 &&
        (status = run(b, c, reps, &seconds)) == 0)
        printf("%-40s %.1f TFLOP/s (%d runs in %.1f ms)\n", "", flop * reps / seconds * 1e-12, reps,
               seconds * 1e3);
    free(a), free(bm), free(cm);
    return status;
}

void bench_close(bench *b) {
    if (b->ctx.device != VK_NULL_HANDLE) {
        vk_oneshot_free(&b->ctx, &b->run);
        vk_pipelines_destroy(&b->ctx, &b->pipes);
        vk_memory_free(&b->ctx, &b->mem);
    }
    vk_context_close(&b->ctx);
}
