/* With no Vulkan driver visible (meson points the loader at a driver file
 * that does not exist), every entry point fails with a message, none
 * crashes. */
#include "vk_check.h"

static int fails;

static void expect(int ok, const char *what, const char *detail) {
    printf("%-4s %s: %s\n", ok ? "ok" : "FAIL", what, detail);
    fails += !ok;
}

int main(void) {
    char err[512] = "";
    vae_vk_device_info *d = NULL;
    int n = -1;
    int status = vae_vk_list_devices(&d, &n, err, sizeof err);
    expect(status != 0 && d == NULL && n == 0 && strstr(err, "no Vulkan"), "vae_vk_list_devices fails", err);
    char best[32];
    snprintf(best, sizeof best, "%d", vae_vk_best_device());
    expect(strcmp(best, "-1") == 0, "vae_vk_best_device is -1", best);
    err[0] = 0;
    vae_backend *be = vae_vk_backend_create(-1, err, sizeof err);
    expect(be == NULL && strstr(err, "no Vulkan"), "vae_vk_backend_create(-1) fails", err);
    err[0] = 0;
    be = vae_vk_backend_create(0, err, sizeof err);
    expect(be == NULL && strstr(err, "no Vulkan"), "vae_vk_backend_create(0) fails", err);
    char text[1024] = {0};
    FILE *f = tmpfile();
    vae_vk_print_devices(f);
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[strcspn(text, "\n")] = 0;
    expect(len > 0 && strstr(text, "no Vulkan devices") != NULL, "vae_vk_print_devices says so", text);
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
