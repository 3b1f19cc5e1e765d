/* Float <-> byte images, grid layout, PNG round trip through stb_image, and
 * the atomic write: a failed write leaves an existing file untouched. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data_check.h"
#include "io/image.h"
#include "stb_image.h"

static void test_float_bytes(void) {
    /* B = 2, S = 2: channel planes in, interleaved pixels out. */
    float x[2 * 3 * 4];
    for (int i = 0; i < 24; i++) x[i] = -1.0f + (float)i / 11.5f; /* -1 .. 1 */
    x[0] = -3.0f; x[1] = 4.0f; x[2] = NAN; x[3] = 0.0f;
    uint8_t out[24];
    images_from_float(out, x, 2, 2);
    int bad = 0;
    for (int b = 0; b < 2; b++)
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 4; p++) {
                float v = x[(b * 3 + c) * 4 + p];
                double want = isnan(v) ? 0 : floor(fmin(fmax(((double)v + 1) * 127.5, 0), 255) + 0.5);
                bad += out[(b * 4 + p) * 3 + c] != (uint8_t)want;
            }
    CHECK(bad == 0, "images_from_float NCHW -> HWC, clamping, NaN -> 0: %d of 24 wrong", bad);
    CHECK(out[0] == 0 && out[3] == 255 && out[6] == 0 && out[9] == 128,
          "-3 -> %d, 4 -> %d, NaN -> %d, 0 -> %d (want 0, 255, 0, 128: halves round up)",
          out[0], out[3], out[6], out[9]);
    /* Every byte survives bytes -> float -> bytes: v / 127.5 - 1 is within
     * float rounding of the exact value, far inside the ±0.5 rounding window. */
    uint8_t all[256 * 3], back[256 * 3];
    float f[256 * 3];
    for (int i = 0; i < 256 * 3; i++) all[i] = (uint8_t)(i / 3);
    images_to_float(f, all, 1, 16); /* 16 x 16 pixels = 256 */
    images_from_float(back, f, 1, 16);
    CHECK(memcmp(all, back, sizeof all) == 0, "all 256 byte values survive images_to_float -> images_from_float");
}

/* Image k of a test set: every pixel and channel a different value. */
static uint8_t pattern(int k, int y, int x, int c) { return (uint8_t)(k * 37 + y * 11 + x * 5 + c * 80); }

static int check_grid(const uint8_t *g, int w, int h, int n, int S, int cols, int border, int scale) {
    int bad = 0, cell = S * scale + border;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int cy = (y - border) / cell, cx = (x - border) / cell;
            int iy = (y - border) % cell, ix = (x - border) % cell;
            int k = cy * cols + cx;
            int in_image = y >= border && x >= border && iy < S * scale && ix < S * scale && k < n;
            for (int c = 0; c < 3; c++) {
                int want = in_image ? pattern(k, iy / scale, ix / scale, c)
                                    : (c == 0 ? GRID_BORDER_R : c == 1 ? GRID_BORDER_G : GRID_BORDER_B);
                bad += g[((size_t)y * w + x) * 3 + c] != want;
            }
        }
    return bad;
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = test_alloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_grid_png(const char *dir) {
    enum { n = 5, S = 4, cols = 3, border = 2, scale = 3 };
    uint8_t images[n * S * S * 3];
    for (int k = 0; k < n; k++)
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++)
                for (int c = 0; c < 3; c++) images[((k * S + y) * S + x) * 3 + c] = pattern(k, y, x, c);
    int w, h;
    grid_dims(n, S, cols, border, scale, &w, &h);
    CHECK(w == 3 * (4 * 3 + 2) + 2 && h == 2 * (4 * 3 + 2) + 2, "grid of 5 4x4 images, 3 per row, border 2, scale 3: %dx%d (want 44x30)", w, h);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/grid.png", dir);
    int rc = grid_write_png(path, images, n, S, cols, border, scale, err, sizeof err);
    CHECK(rc == 0, "grid_write_png to %s: rc %d %s", path, rc, rc ? err : "");
    int rw = 0, rh = 0, rc3 = 0;
    uint8_t *px = stbi_load(path, &rw, &rh, &rc3, 3);
    CHECK(px && rw == w && rh == h, "read back with stbi_load: %dx%d", rw, rh);
    if (px) {
        int bad = check_grid(px, rw, rh, n, S, cols, border, scale);
        CHECK(bad == 0, "every pixel (cells enlarged 3x, borders, empty 6th cell) as written: %d of %d channel values differ", bad, w * h * 3);
        stbi_image_free(px);
    }
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(access(tmp, F_OK) != 0, "no %s left behind", tmp);

    /* Overwrite with a different grid; then make every write fail and check
     * that the file keeps the second grid's exact bytes. */
    rc = grid_write_png(path, images, 4, S, 2, 1, 1, err, sizeof err);
    size_t len0 = 0, len1 = 0;
    uint8_t *before = read_file(path, &len0);
    px = stbi_load(path, &rw, &rh, &rc3, 3);
    CHECK(rc == 0 && px && rw == 2 * (4 + 1) + 1 && rh == rw, "overwrite with a 2x2 grid: rc %d, %dx%d (want 11x11)", rc, rw, rh);
    stbi_image_free(px);
    mkdir(tmp, 0700); /* PATH.tmp a directory: fopen fails, even for root */
    rc = grid_write_png(path, images, n, S, cols, border, scale, err, sizeof err);
    uint8_t *after = read_file(path, &len1);
    CHECK(rc == -1 && strstr(err, path) && !strchr(err, '\n'), "write blocked by a directory at PATH.tmp fails: \"%s\"", err);
    CHECK(before && after && len0 == len1 && memcmp(before, after, len0) == 0,
          "existing %s intact after the failed write (%zu bytes, was %zu)", path, len1, len0);
    rmdir(tmp);
    free(before); free(after);

    /* A missing directory: a clear line naming the file and the fix. */
    snprintf(path, sizeof path, "%s/no/such/dir/grid.png", dir);
    rc = grid_write_png(path, images, n, S, cols, border, scale, err, sizeof err);
    CHECK(rc == -1 && strstr(err, path) && strstr(err, "directory exists"),
          "missing directory: rc %d, \"%s\"", rc, err);
    /* A directory where the file should go: rename fails, no .tmp remains. */
    rc = grid_write_png(dir, images, n, S, cols, border, scale, err, sizeof err);
    snprintf(tmp, sizeof tmp, "%s.tmp", dir);
    CHECK(rc == -1 && access(tmp, F_OK) != 0, "path is a directory: rc %d, \"%s\", no .tmp left", rc, err);
    rc = grid_write_png(path, images, 0, S, cols, border, scale, err, sizeof err);
    CHECK(rc == -1 && strstr(err, "0 images"), "empty grid refused: \"%s\"", err);
    rc = grid_write_png(path, images, n, S, cols, border, 5000, err, sizeof err);
    CHECK(rc == -1 && strstr(err, "exceed"), "oversized grid refused: \"%s\"", err);
}

static void test_png_memory(void) {
    uint8_t rgb[7 * 5 * 3];
    for (int i = 0; i < (int)sizeof rgb; i++) rgb[i] = (uint8_t)(i * 13);
    size_t len = 0;
    uint8_t *png = png_encode_rgb(rgb, 7, 5, &len);
    int w = 0, h = 0, c = 0;
    uint8_t *back = png ? stbi_load_from_memory(png, (int)len, &w, &h, &c, 3) : NULL;
    CHECK(back && w == 7 && h == 5 && memcmp(back, rgb, sizeof rgb) == 0,
          "png_encode_rgb 7x5: %zu bytes, decodes to the same pixels", len);
    stbi_image_free(back);
    free(png);
}

int main(void) {
    char dir[] = "/tmp/vaevk-test-grid-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    test_float_bytes();
    test_grid_png(dir);
    test_png_memory();
    char path[600];
    snprintf(path, sizeof path, "%s/grid.png", dir);
    remove(path);
    rmdir(dir);
    if (failures) printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
