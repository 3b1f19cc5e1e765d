/* Device discovery and backend creation: the listing, the default device,
 * the `devices` report, a bad index, and two backends alive at once. */
#include "vk_check.h"

static int fails;

static void expect(int ok, const char *what, const char *detail) {
    printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    fails += !ok;
}

/* 1 + 2 on a backend, through one op. */
static int one_plus_two(vae_backend *be) {
    uint32_t w[VAE_ARENA_COUNT] = {64, 0, 0, 0, 64, 0};
    vae_tensor x = {VAE_ARENA_ACTS, 0, 1}, b = {VAE_ARENA_PARAMS, 0, 1};
    vae_op op = {.kind = VAE_OP_BIAS_FWD, .t = {x, b}, .d = {1, 1, 1}};
    vae_program prog = {&op, 1, 1};
    float one = 1, two = 2, out = 0;
    if (be->vt->alloc_arenas(be, w) || be->vt->write(be, x, &one) || be->vt->write(be, b, &two) ||
        vae_backend_run_program(be, &prog) || be->vt->read(be, x, &out))
        return -1;
    return out == 3.0f ? 0 : -1;
}

int main(void) {
    char err[512];
    vae_vk_device_info *d = NULL;
    int n = 0;
    if (vae_vk_list_devices(&d, &n, err, sizeof err) != 0) {
        printf("skipped: %s\n", err);
        return VKT_SKIP;
    }
    int sane = n > 0;
    for (int i = 0; i < n; i++)
        sane = sane && d[i].index == i && d[i].name[0] && d[i].type[0] && d[i].heap_count > 0;
    snprintf(err, sizeof err, "%d devices", n);
    expect(sane, "vae_vk_list_devices: indices, names, types, heaps", err);
    int best = vae_vk_best_device();
    snprintf(err, sizeof err, "device %d", best);
    expect(best >= 0 && best < n && d[best].usable, "vae_vk_best_device picks a usable device", err);

    FILE *f = tmpfile();
    vae_vk_print_devices(f);
    vae_vk_print_devices(stdout);
    char text[8192] = {0};
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    expect(len > 0 && strstr(text, d[best].name) && strstr(text, "subgroup size") &&
           strstr(text, "storage buffer range"), "vae_vk_print_devices names the device and its limits", NULL);

    vae_backend *bad = vae_vk_backend_create(n, err, sizeof err);
    expect(bad == NULL && strstr(err, "no Vulkan device") != NULL, "a device index past the end is refused", err);

    vae_backend *a = vae_vk_backend_create(-1, err, sizeof err);
    vae_backend *b = a ? vae_vk_backend_create(best, err, sizeof err) : NULL;
    expect(a && b && one_plus_two(a) == 0 && one_plus_two(b) == 0,
           "two backends at once each compute 1 + 2", a && b ? a->name : err);
    if (a)
        a->vt->destroy(a);
    if (b)
        b->vt->destroy(b);
    free(d);
    fails += vkt_validation_verdict();
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
