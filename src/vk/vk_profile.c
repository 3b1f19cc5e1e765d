#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_profile.h"

int vk_profile_wanted(const vk_context *ctx) {
    const char *v = getenv("VAEVK_PROFILE");
    if (!v || strcmp(v, "1") != 0)
        return 0;
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx->phys, &n, NULL);
    VkQueueFamilyProperties *q = calloc(n ? n : 1, sizeof *q);
    int ok = 0;
    if (q) {
        vkGetPhysicalDeviceQueueFamilyProperties(ctx->phys, &n, q);
        ok = ctx->queue_family < n && q[ctx->queue_family].timestampValidBits > 0;
    }
    free(q);
    if (!ok)
        fprintf(stderr, "vae-vk: VAEVK_PROFILE: this device's queue has no timestamps\n");
    return ok;
}

int vk_profile_init(const vk_context *ctx, vk_profile *p, uint32_t dispatches, char (*labels)[96],
                    char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    p->dispatches = dispatches;
    p->labels = labels;
    p->ns = calloc(dispatches + 1, sizeof *p->ns);
    p->raw = calloc(dispatches + 1, sizeof *p->raw);
    if (!p->ns || !p->raw) {
        snprintf(err, errlen, "out of memory for a profile of %u dispatches", dispatches);
        return -1;
    }
    p->period_ns = ctx->props.limits.timestampPeriod;
    VkQueryPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .queryType = VK_QUERY_TYPE_TIMESTAMP,
        .queryCount = dispatches + 1,
    };
    VkResult r = ctx->vk.vkCreateQueryPool(ctx->device, &info, NULL, &p->pool);
    if (r != VK_SUCCESS) {
        p->pool = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "creating a timestamp query pool", r);
    }
    return 0;
}

void vk_profile_begin(const vk_context *ctx, vk_profile *p, VkCommandBuffer cmd) {
    ctx->vk.vkCmdResetQueryPool(cmd, p->pool, 0, p->dispatches + 1);
    ctx->vk.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, p->pool, 0);
}

void vk_profile_mark(const vk_context *ctx, vk_profile *p, VkCommandBuffer cmd, uint32_t dispatch) {
    ctx->vk.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, p->pool, dispatch + 1);
}

void vk_profile_collect(const vk_context *ctx, vk_profile *p) {
    VkResult r = ctx->vk.vkGetQueryPoolResults(ctx->device, p->pool, 0, p->dispatches + 1,
                                               (p->dispatches + 1) * sizeof(uint64_t), p->raw, sizeof(uint64_t),
                                               VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    if (r != VK_SUCCESS)
        return;
    for (uint32_t i = 0; i < p->dispatches; i++)
        p->ns[i] += (double)(p->raw[i + 1] - p->raw[i]) * p->period_ns;
    p->submissions++;
}

typedef struct {
    const char *label;
    double ns;
    int count;
} row;

static int by_time(const void *a, const void *b) {
    double x = ((const row *)a)->ns, y = ((const row *)b)->ns;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void report(const vk_profile *p) {
    row *rows = calloc(p->dispatches ? p->dispatches : 1, sizeof *rows);
    if (!rows)
        return;
    int n = 0;
    double total = 0;
    for (uint32_t i = 0; i < p->dispatches; i++) {
        int j = 0;
        while (j < n && strcmp(rows[j].label, p->labels[i]) != 0)
            j++;
        if (j == n)
            rows[n++] = (row){p->labels[i], 0, 0};
        rows[j].ns += p->ns[i] / p->submissions;
        rows[j].count++;
        total += p->ns[i] / p->submissions;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_time);
    fprintf(stderr, "vae-vk profile: %u dispatches, %u submissions, %.3f ms per submission\n", p->dispatches,
            p->submissions, total * 1e-6);
    for (int j = 0; j < n; j++)
        fprintf(stderr, "  %-66s %3d x  %9.3f ms  %5.1f%%\n", rows[j].label, rows[j].count, rows[j].ns * 1e-6,
                total > 0 ? 100 * rows[j].ns / total : 0.0);
    free(rows);
}

void vk_profile_finish(const vk_context *ctx, vk_profile *p) {
    if (p->submissions > 0)
        report(p);
    if (p->pool != VK_NULL_HANDLE)
        ctx->vk.vkDestroyQueryPool(ctx->device, p->pool, NULL);
    free(p->ns);
    free(p->raw);
    memset(p, 0, sizeof *p);
}
