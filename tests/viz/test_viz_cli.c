/* interpolate, traverse, sample and reconstruct as a user runs them, on a
 * tiny model trained here on the CPU backend: the size of every picture,
 * interpolation ends bitwise equal to reconstructions, traversal rows in KL
 * order (the printed ranking against the library's own computation) and
 * labelled with the right dimensions. $VAEVK is the vae-vk to run. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "io/image.h"
#include "stb_image.h"
#include "vaevk/checkpoint.h"
#include "vaevk/dataset.h"
#include "vaevk/synthetic.h"
#include "viz/latent.h"
#include "viz/traverse.h"

#define L 8 /* the tiny model's latent size */
#define FACE (64 * 64 * 3)

static const char *vaevk;
static char dir[64];

/* Runs "$VAEVK <args>" in the test directory; its exit status. */
static int run(const char *fmt, ...) {
    char args[1500], cmd[2000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && '%s' %s", dir, vaevk, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

typedef struct { uint8_t *px; int w, h; } picture;

static picture load(const char *name) {
    char path[200];
    picture p = {0};
    int c;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    p.px = stbi_load(path, &p.w, &p.h, &c, 3);
    return p;
}

/* Checks a PNG's size; keeps it in *out (or frees it). */
static void check_size(const char *name, int w, int h, picture *out) {
    picture p = load(name);
    CHECK(p.px && p.w == w && p.h == h, "%s is %dx%d (want %dx%d)", name, p.w, p.h, w, h);
    if (out) *out = p;
    else stbi_image_free(p.px);
}

/* Grid cell (row, col) back at 64x64: every scale-th pixel. */
static void cell(const picture *p, int left, int top, int scale, int row, int col, uint8_t *out) {
    int x0 = left + 1 + col * (64 * scale + 1), y0 = top + 1 + row * (64 * scale + 1);
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++)
            memcpy(out + (y * 64 + x) * 3, p->px + ((size_t)(y0 + y * scale) * p->w + x0 + x * scale) * 3, 3);
}

static int same_cell(const picture *p, int left, int top, int scale, int row, int col,
                     const uint8_t *want) {
    uint8_t got[FACE];
    if (!p->px) return 0;
    cell(p, left, top, scale, row, col, got);
    return memcmp(got, want, FACE) == 0;
}

static void write_inputs(void) {
    /* face 70 of the run's data (seed 1) as a file, and doubled to 128x128 */
    uint8_t face[FACE], *big = test_alloc(4 * FACE);
    char path[200], err[300];
    synth_face(face, 1, 70);
    for (int y = 0; y < 128; y++)
        for (int x = 0; x < 128; x++)
            memcpy(big + (y * 128 + x) * 3, face + ((y / 2) * 64 + x / 2) * 3, 3);
    snprintf(path, sizeof path, "%s/face70.png", dir);
    int ok = png_write_rgb(path, face, 64, 64, err, sizeof err) == 0;
    snprintf(path, sizeof path, "%s/face70x2.png", dir);
    ok = ok && png_write_rgb(path, big, 128, 128, err, sizeof err) == 0;
    CHECK(ok, "wrote face70.png (64x64) and face70x2.png (128x128)");
    free(big);
}

static void test_interpolate(const uint8_t *rec70, const uint8_t *rec71) {
    picture p;
    CHECK(run("interpolate --checkpoint run --device cpu --quiet --a 70 --b 71 --steps 5 --out i.png") == 0,
          "interpolate between dataset images 70 and 71");
    check_size("i.png", 5 * 65 + 1, 66, &p);
    CHECK(same_cell(&p, 0, 0, 1, 0, 0, rec70) && same_cell(&p, 0, 0, 1, 0, 4, rec71),
          "the first and last images are the reconstructions of 70 and 71, bitwise");
    stbi_image_free(p.px);
    const char *files[] = {"face70.png", "face70x2.png"};
    for (int i = 0; i < 2; i++) {
        CHECK(run("interpolate --checkpoint run --device cpu --quiet --a %s --b 71 --slerp "
                  "--steps 3 --scale 2 --out f.png", files[i]) == 0, "interpolate --slerp from %s", files[i]);
        check_size("f.png", 3 * 129 + 1, 130, &p);
        CHECK(same_cell(&p, 0, 0, 2, 0, 0, rec70) && same_cell(&p, 0, 0, 2, 0, 2, rec71),
              "from the file %s: the ends are the reconstructions of 70 and 71, bitwise", files[i]);
        stbi_image_free(p.px);
    }
    CHECK(run("interpolate --checkpoint run --device cpu --quiet --pairs 3 --a 1 --b 2 --steps 4 "
              "--scale 3 --out p.png") == 0, "interpolate --pairs 3 plus one given pair");
    check_size("p.png", 4 * 193 + 1, 4 * 193 + 1, NULL);
    CHECK(run("interpolate --checkpoint run --device cpu --quiet --a 1 --out x.png 2>/dev/null") == 2,
          "--a without --b is refused (exit 2)");
    CHECK(run("interpolate --checkpoint run --device cpu --quiet --a nosuch.png --b 1 --out x.png "
              "2>/dev/null") == 1, "a missing image file fails (exit 1)");
}

/* The per-dimension KL the command should rank by, computed here. */
static int library_kl(double *kl) {
    char path[200], err[600];
    vae_checkpoint ck;
    vae_trainer t;
    vae_dataset *ds = NULL;
    snprintf(path, sizeof path, "%s/run", dir);
    if (vae_checkpoint_load(path, &ck, err, sizeof err) != 0) {
        printf("cannot load the checkpoint: %s\n", err);
        return -1;
    }
    vae_backend *be = vae_reference_backend_create();
    const vae_train_options *o = &ck.options;
    int rc = !be || vae_trainer_init(&t, be, &o->model, 64, o->seed, o->lr, 0, VAE_PRECISION_FP32) != 0 ||
             vae_trainer_set_state(&t, ck.params, NULL, NULL) != 0 ||
             vae_dataset_open(o->data, o->synthetic_count, o->seed, &ds, err, sizeof err) != 0 ||
             viz_dataset_kl(&t, ds, 0, (int)ds->count, kl, err, sizeof err) != 0;
    vae_dataset_close(ds);
    vae_trainer_free(&t);
    if (be) be->vt->destroy(be);
    vae_checkpoint_free(&ck);
    return rc ? -1 : 0;
}

/* Reads rank,dim,kl lines; returns how many. */
static int read_ranking(int *dims, double *kl) {
    char path[200], line[200];
    snprintf(path, sizeof path, "%s/rank.csv", dir);
    FILE *f = fopen(path, "r");
    int n = 0, r, d;
    double v;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%d,%d,%lf", &r, &d, &v) == 3 && n < L && r == n + 1) {
            dims[n] = d;
            kl[n++] = v;
        }
    if (f) fclose(f);
    return n;
}

/* The margins of a traversal picture match one drawn here for these rows. */
static int labels_match(const picture *p, const int *dims, const double *kl, int rows, int steps,
                        int scale) {
    uint8_t *blank = test_alloc((size_t)rows * steps * FACE);
    viz_canvas c;
    char err[300];
    int same = p->px && viz_traverse_canvas(&c, blank, dims, kl, rows, steps, 3.0f, scale, err,
                                            sizeof err) == 0 && c.width == p->w && c.height == p->h;
    for (int y = 0; same && y < c.height; y++)
        for (int x = 0; same && x < c.width; x++)
            if (x < c.left || y < c.top)
                same = memcmp(c.rgb + ((size_t)y * c.width + x) * 3, p->px + ((size_t)y * p->w + x) * 3, 3) == 0;
    if (p->px) viz_canvas_free(&c);
    free(blank);
    return same;
}

static void test_traverse(const uint8_t *rec70, const uint8_t *zero) {
    picture p;
    int dims[L], ok_perm = 1, sorted = 1, seen[L] = {0};
    double kl[L], mine[L], worst = 0;
    CHECK(run("traverse --checkpoint run --device reference --dims 3 --steps 5 --scale 2 --out t.png "
              "> rank.csv 2>/dev/null") == 0, "traverse --dims 3 --steps 5 --scale 2");
    check_size("t.png", VIZ_TRAVERSE_LEFT * 2 + 5 * 129 + 1, VIZ_TRAVERSE_TOP * 2 + 3 * 129 + 1, &p);
    int n = read_ranking(dims, kl);
    for (int i = 0; i < n; i++) {
        ok_perm &= dims[i] >= 0 && dims[i] < L && !seen[dims[i]];
        if (dims[i] >= 0 && dims[i] < L) seen[dims[i]] = 1;
        sorted &= i == 0 || kl[i] <= kl[i - 1];
    }
    CHECK(n == L && ok_perm && sorted, "printed ranking: %d of %d dimensions, a permutation, KL "
          "non-increasing (%.4g .. %.4g)", n, L, n ? kl[0] : 0, n ? kl[n - 1] : 0);
    int have = library_kl(mine) == 0;
    for (int i = 0; have && i < n; i++) /* printed with 9 significant digits */
        worst = fmax(worst, fabs(kl[i] - mine[dims[i]]) / fmax(fabs(mine[dims[i]]), 1e-300));
    CHECK(have && n == L && worst <= 1e-8, "printed KL = the library's per-dimension KL on the same "
          "64 images, to the 9 printed digits (relative %.1e <= 1e-8)", worst);
    int top[3] = {dims[0], dims[1], dims[2]};
    CHECK(have && labels_match(&p, top, mine, 3, 5, 2), "rows labelled z%d, z%d, z%d with their KL: "
          "the top three of the ranking, in order", top[0], top[1], top[2]);
    int mid = 1;
    for (int r = 0; r < 3; r++)
        mid &= same_cell(&p, VIZ_TRAVERSE_LEFT * 2, VIZ_TRAVERSE_TOP * 2, 2, r, 2, zero);
    CHECK(mid, "around zero: the middle column (offset 0) is the decoding of z = 0 in every row");
    stbi_image_free(p.px);
    const char *bases[] = {"70", "face70.png"};
    for (int i = 0; i < 2; i++) {
        CHECK(run("traverse --checkpoint run --device cpu --quiet --base %s --dim-list 1,0 "
                  "--steps 5 --out b.png", bases[i]) == 0, "traverse --base %s --dim-list 1,0", bases[i]);
        check_size("b.png", VIZ_TRAVERSE_LEFT + 5 * 65 + 1, VIZ_TRAVERSE_TOP + 2 * 65 + 1, &p);
        int rows[2] = {1, 0};
        CHECK(have && labels_match(&p, rows, mine, 2, 5, 1) &&
              same_cell(&p, VIZ_TRAVERSE_LEFT, VIZ_TRAVERSE_TOP, 1, 0, 2, rec70) &&
              same_cell(&p, VIZ_TRAVERSE_LEFT, VIZ_TRAVERSE_TOP, 1, 1, 2, rec70),
              "rows z1, z0 as asked; the middle column is the reconstruction of image 70");
        stbi_image_free(p.px);
    }
}

int main(void) {
    vaevk = getenv("VAEVK");
    if (!vaevk || access(vaevk, X_OK) != 0) {
        printf("FAIL  $VAEVK must name the vae-vk executable (meson test sets it)\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/vaevk-viz-cli-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("FAIL  cannot create a temporary directory\n");
        return 1;
    }
    printf("in %s\n", dir);
    int trained = run("train --out run --device cpu --channels 4,8,8,8 --latent %d --batch 8 "
                      "--synthetic-count 64 --epochs 2 --anneal-epochs 1 --quiet", L) == 0;
    CHECK(trained, "trained a tiny model (latent %d) on 64 synthetic faces", L);
    if (!trained) return 1;
    write_inputs();
    picture p;
    uint8_t rec70[FACE], rec71[FACE], zero[FACE];
    CHECK(run("reconstruct --checkpoint run --device cpu --quiet --first 70 --n 2 --cols 2 --out r.png") == 0,
          "reconstruct images 70 and 71");
    check_size("r.png", 4 * 65 + 1, 66, &p);
    if (p.px) { cell(&p, 0, 0, 1, 0, 1, rec70); cell(&p, 0, 0, 1, 0, 3, rec71); stbi_image_free(p.px); }
    CHECK(run("sample --checkpoint run --device cpu --quiet --n 10 --cols 4 --scale 2 --out s.png") == 0,
          "sample --n 10 --cols 4 --scale 2");
    check_size("s.png", 4 * 129 + 1, 3 * 129 + 1, NULL);
    CHECK(run("sample --checkpoint run --device cpu --quiet --n 3 --cols 3 --temperature 0 --out z.png") == 0,
          "sample --temperature 0");
    check_size("z.png", 3 * 65 + 1, 66, &p);
    if (p.px) cell(&p, 0, 0, 1, 0, 0, zero);
    CHECK(p.px && same_cell(&p, 0, 0, 1, 0, 1, zero) && same_cell(&p, 0, 0, 1, 0, 2, zero),
          "at temperature 0 every sample is the same face (z = 0)");
    stbi_image_free(p.px);
    test_interpolate(rec70, rec71);
    test_traverse(rec70, zero);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (failures == 0 && system(cmd) != 0) printf("could not remove %s\n", dir);
    printf("%s\n", failures ? "FAILED" : "all viz command checks passed");
    return failures ? 1 : 0;
}
