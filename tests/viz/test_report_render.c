/* The report renders: headless Chromium loads a tiny run's report.html and
 * takes a screenshot, which must not be blank (many distinct colours, much
 * of the page not background). With the argument `sweep`, the same for the
 * sweep.html of a tiny 2-run sweep. Without Chromium the test says so and
 * exits 77, meson's skip. $VAEVK is the vae-vk to run. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "stb_image.h"

#define MIN_COLOURS 1000   /* a blank page has 1, text alone a few hundred */
#define MIN_INK 0.10       /* share of pixels that differ from the page background */

/* The first of the usual Chromium names on PATH, or NULL. */
static const char *find_chromium(void) {
    static const char *names[] = {"chromium", "chromium-browser", "google-chrome"};
    for (int i = 0; i < 3; i++) {
        char cmd[120];
        snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", names[i]);
        if (system(cmd) == 0)
            return names[i];
    }
    return NULL;
}

/* Distinct colours, and pixels unlike the top-left (background) pixel. */
static void measure(const uint8_t *px, int w, int h, long *colours, double *ink) {
    uint8_t *seen = test_alloc((1u << 24) / 8);
    long n = 0, differ = 0;
    for (long i = 0; i < (long)w * h; i++) {
        uint32_t c = (uint32_t)px[3 * i] << 16 | (uint32_t)px[3 * i + 1] << 8 | px[3 * i + 2];
        if (!(seen[c >> 3] & (1u << (c & 7)))) {
            seen[c >> 3] |= (uint8_t)(1u << (c & 7));
            n++;
        }
        differ += memcmp(px + 3 * i, px, 3) != 0;
    }
    free(seen);
    *colours = n;
    *ink = (double)differ / ((double)w * h);
}

int main(int argc, char **argv) {
    int sweep = argc > 1 && strcmp(argv[1], "sweep") == 0;
    const char *vaevk = getenv("VAEVK"), *chromium = find_chromium();
    if (!chromium) {
        printf("SKIP: no chromium on PATH, so the report's rendering is not checked "
               "(apt-get install -y chromium)\n");
        return 77;
    }
    if (!vaevk || access(vaevk, X_OK) != 0) {
        printf("FAIL  $VAEVK must name the vae-vk executable (meson test sets it)\n");
        return 1;
    }
    char dir[] = "/tmp/vaevk-viz-render-XXXXXX", cmd[1500], shot[100];
    if (!mkdtemp(dir)) {
        printf("FAIL  cannot create a temporary directory\n");
        return 1;
    }
    const char *page = sweep ? "run/sweep.html" : "run/report.html";
    snprintf(cmd, sizeof cmd, "'%s' %s --out %s/run --device cpu --channels 4,8,8,8 --latent 8 "
             "--batch 8 --synthetic-count 64 --epochs 2 --anneal-epochs 1 --quiet%s", vaevk,
             sweep ? "sweep" : "train", dir, sweep ? " --beta 0,1" : "");
    CHECK(system(cmd) == 0, "tiny %s in %s (it writes %s)", sweep ? "sweep" : "training run", dir, page);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    /* root needs --no-sandbox; the rest keeps Chromium off the network */
    snprintf(cmd, sizeof cmd, "timeout 120 %s --headless --no-sandbox --disable-gpu --disable-quic "
             "--no-first-run --disable-background-networking --disable-component-update "
             "--disable-sync --user-data-dir=%s/profile --screenshot=%s --window-size=1200,2000 "
             "file://%s/%s > %s/chromium.log 2>&1", chromium, dir, shot, dir, page, dir);
    int rc = system(cmd);
    CHECK(rc == 0, "%s took a screenshot (exit %d; its output is in %s/chromium.log)", chromium, rc, dir);
    int w = 0, h = 0, c;
    uint8_t *px = stbi_load(shot, &w, &h, &c, 3);
    long colours = 0;
    double ink = 0;
    if (px)
        measure(px, w, h, &colours, &ink);
    CHECK(px && w == 1200 && h == 2000, "screenshot %dx%d (want 1200x2000)", w, h);
    CHECK(colours >= MIN_COLOURS, "%ld distinct colours (at least %d: faces and plots drew)",
          colours, MIN_COLOURS);
    CHECK(ink >= MIN_INK, "%.1f%% of pixels unlike the background (at least %.0f%%)", 100 * ink,
          100 * MIN_INK);
    stbi_image_free(px);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (failures == 0 && system(cmd) != 0)
        printf("could not remove %s\n", dir);
    printf("%s\n", failures ? "FAILED" : sweep ? "the sweep's page renders" : "the report renders");
    return failures ? 1 : 0;
}
