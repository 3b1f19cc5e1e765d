/* An image folder built on the fly, read through its automatic cache: what
 * is decoded and how (grey, alpha, odd sizes, BMP, JPEG, the CelebA crop),
 * what is skipped and named (corrupt, truncated, empty, too large, text
 * named .jpg, files built to break stb_image: a JPEG Huffman table of more
 * than 256 codes, DC sums that overflow, a TGA and a GIF named .png), what
 * is passed over (hidden files, other names), when the
 * cache is reused or rebuilt, and that a build removes the temporary files
 * of killed builds and no others. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "data/resize.h"
#include "dataset_check.h"
#include "hostile_images.h"
#include "vaevk/dataset.h"

#define W_ODD 37
#define H_ODD 23
#define NBAD 11 /* files under bad/ */

typedef struct {
    const char *rel;
    uint8_t want[VAE_DATA_IMAGE_BYTES];
    int lossy; /* JPEG: compared within a tolerance */
} expected;

static expected images[8];
static int nimages = 0;

/* Pixel (x, y, c) of test image k: smooth enough for JPEG, distinct per channel. */
static uint8_t pattern(int k, int x, int y, int c) {
    return (uint8_t)(40 + k * 9 + (x + 2 * y) / 3 + c * 25);
}

/* Records what image `rel` (w x h, RGB pixels as the model must see them)
 * must become: the crop and resize of the exact pixels (tested on their
 * own in test_resize). */
static void expect(const char *rel, const uint8_t *rgb, int w, int h, int lossy) {
    int side, x0, y0;
    crop_square(w, h, VAE_CROP_AUTO, &side, &x0, &y0);
    images[nimages].rel = rel;
    images[nimages].lossy = lossy;
    area_resize(images[nimages].want, 64, rgb, w, x0, y0, side);
    nimages++;
}

/* Writes image k as w x h with comp channels; returns the RGB it means. */
static uint8_t *make(const char *root, const char *rel, int k, int w, int h, int comp) {
    uint8_t *px = test_alloc((size_t)w * h * comp), *rgb = test_alloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comp; c++)
                px[((size_t)y * w + x) * comp + c] = pattern(k, x, y, c);
    write_image(root, rel, px, w, h, comp);
    for (int p = 0; p < w * h; p++) /* grey: replicated; alpha: dropped */
        for (int c = 0; c < 3; c++)
            rgb[p * 3 + c] = px[p * comp + (comp < 3 ? 0 : c)];
    free(px);
    return rgb;
}

static void add_image(const char *root, const char *rel, int k, int w, int h, int comp) {
    uint8_t *rgb = make(root, rel, k, w, h, comp);
    expect(rel, rgb, w, h, strstr(rel, ".jpg") != NULL);
    free(rgb);
}

static void add_hostile(const char *root, const char *rel, uint8_t *(*make_bytes)(size_t *)) {
    size_t n;
    uint8_t *b = make_bytes(&n);
    write_bytes(root, rel, b, n);
    free(b);
}

/* The bad files: every way a file under an image name can be unusable. */
static void add_bad_files(const char *root) {
    char path[1200];
    uint8_t *png, *jpg, *bmp;
    size_t npng, njpg, nbmp;
    free(make(root, "bad/src.png", 1, 60, 60, 3));
    free(make(root, "bad/src.jpg", 1, 60, 60, 3));
    free(make(root, "bad/src.bmp", 1, 60, 60, 3));
    snprintf(path, sizeof path, "%s/bad/src.png", root);
    png = read_all(path, &npng);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad/src.jpg", root);
    jpg = read_all(path, &njpg);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad/src.bmp", root);
    bmp = read_all(path, &nbmp);
    unlink(path);
    write_bytes(root, "bad/truncated.png", png, npng / 2);
    write_bytes(root, "bad/truncated.jpg", jpg, njpg * 6 / 10);
    write_bytes(root, "bad/truncated.bmp", bmp, nbmp * 7 / 10);
    memset(png + 60, 0x5a, npng - 60); /* signature and size intact, data garbage */
    write_bytes(root, "bad/corrupt.png", png, npng);
    const char text[] = "this is not an image\n";
    write_bytes(root, "bad/notes.jpg", text, sizeof text - 1);
    write_bytes(root, "bad/empty.png", "", 0);
    free(png);
    free(jpg);
    free(bmp);
    uint8_t *wide = test_alloc(9000 * 2 * 3);
    write_image(root, "bad/huge.png", wide, 9000, 2, 3);
    free(wide);
    add_hostile(root, "bad/huffman.jpg", hostile_huffman_jpeg);
    add_hostile(root, "bad/dc_overflow.jpg", hostile_dc_jpeg);
    add_hostile(root, "bad/tga_named.png", hostile_tga);
    add_hostile(root, "bad/gif_named.png", hostile_gif);
}

static void build_folder(const char *root) {
    /* sorted order of the usable files, as the dataset must list them */
    add_image(root, "celeba/000001.png", 0, VAE_CELEBA_WIDTH, VAE_CELEBA_HEIGHT, 3);
    add_image(root, "deep/a/b/c/d/nested.png", 1, 30, 30, 3);
    add_image(root, "grey.png", 2, 50, 50, 1);
    add_image(root, "odd/sizes/w37h23.png", 3, W_ODD, H_ODD, 3);
    add_image(root, "odd/w101h77.bmp", 4, 101, 77, 3);
    add_image(root, "photo.jpg", 5, 80, 80, 3);
    add_image(root, "rgba.png", 6, 40, 60, 4);
    add_bad_files(root);
    write_bytes(root, "README.txt", "not an image name\n", 18);
    free(make(root, ".hidden.png", 7, 20, 20, 3));
    free(make(root, ".hiddendir/x.png", 7, 20, 20, 3));
}

static vae_dataset *open_dir(const char *root, int crop, vae_cache_summary *built) {
    vae_data_options o;
    vae_data_options_default(&o);
    o.crop = crop;
    o.threads = 2;
    char err[1200];
    vae_dataset *ds = NULL;
    if (vae_cache_open_for_dir(root, &o, &ds, built, err, sizeof err) != 0) {
        printf("FAIL  opening %s: %s\n", root, err);
        failures++;
    }
    return ds;
}

/* Largest channel difference between image i of ds and what it must be. */
static int image_error(vae_dataset *ds, int i, double *mean_abs) {
    uint8_t got[VAE_DATA_IMAGE_BYTES];
    if (ds->read(ds, i, got) != 0)
        return 256;
    int worst = 0;
    double sum = 0;
    for (int p = 0; p < VAE_DATA_IMAGE_BYTES; p++) {
        int d = abs(got[p] - images[i].want[p]);
        worst = d > worst ? d : worst;
        sum += d;
    }
    *mean_abs = sum / VAE_DATA_IMAGE_BYTES;
    return worst;
}

static void check_contents(vae_dataset *ds) {
    CHECK(ds->count == nimages && ds->files == nimages + NBAD && ds->skipped == NBAD,
          "%ld images from %ld image-named files, %ld skipped (want %d, %d, %d; hidden files "
          "and README.txt not counted)", ds->count, ds->files, ds->skipped, nimages,
          nimages + NBAD, NBAD);
    for (int i = 0; i < nimages && i < ds->count; i++) {
        double mean_abs = 0;
        int worst = image_error(ds, i, &mean_abs);
        /* JPEG at quality 95 of a smooth ramp, then averaged 80 -> 64: measured
         * mean 0.47 and max 1 level; the bounds leave room for other libjpeg-free
         * encoders' rounding but catch any real decoding or cropping error. */
        if (images[i].lossy)
            CHECK(mean_abs < 1.0 && worst <= 3, "image %d = %s: within JPEG's loss (mean |diff| "
                  "%.2f < 1, max %d <= 3)", i, images[i].rel, mean_abs, worst);
        else
            CHECK(worst == 0, "image %d = %s: exactly its crop and resize (max diff %d)", i,
                  images[i].rel, worst);
    }
    const char *reasons[][2] = {
        {"bad/corrupt.png: ", "corrupt"}, {"bad/truncated.png: ", "truncated"},
        {"bad/truncated.jpg: ", "truncated"}, {"bad/truncated.bmp: ", "truncated BMP"},
        {"bad/notes.jpg: ", "not an image"}, {"bad/empty.png: ", "empty file"},
        {"bad/huge.png: ", "too large: 9000x2"},
        {"bad/huffman.jpg: ", "corrupt JPEG (a Huffman table's code counts sum to 272, over 256)"},
        {"bad/dc_overflow.jpg: ", "corrupt JPEG (a DC coefficient out of range)"},
        {"bad/tga_named.png: ", "not an image"}, {"bad/gif_named.png: ", "a GIF file"},
    };
    for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++) {
        const char *line = ds->skipped_list ? strstr(ds->skipped_list, reasons[k][0]) : NULL;
        const char *end = line ? strchr(line, '\n') : NULL;
        const char *why = line ? strstr(line, reasons[k][1]) : NULL;
        CHECK(why && end && why < end, "skipped and named: %.*s", line && end ? (int)(end - line) : 30,
              line ? line : reasons[k][0]);
    }
    char summary[300];
    vae_skipped_line(ds->skipped_list, ds->skipped, 2, summary, sizeof summary);
    CHECK(strstr(summary, "bad/corrupt.png (corrupt") && strstr(summary, "and 9 more"),
          "summary line names the first skipped files: \"%s\"", summary);
}

static void touch_later(const char *root, const char *rel) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    struct timespec t[2] = {{.tv_sec = 1000000000, .tv_nsec = 0}, {.tv_sec = 1000000000, .tv_nsec = 0}};
    if (utimensat(AT_FDCWD, path, t, 0) != 0)
        die("touching", path);
}

/* When the automatic cache is reused and when it is rebuilt. */
static void check_staleness(const char *root) {
    vae_cache_summary b;
    vae_dataset *ds = open_dir(root, VAE_CROP_AUTO, &b);
    CHECK(ds && b.reason[0] == 0, "unchanged folder: cache reused (rebuild reason \"%s\")", b.reason);
    vae_cache_summary_free(&b);
    vae_dataset_close(ds);
    touch_later(root, "grey.png");
    ds = open_dir(root, VAE_CROP_AUTO, &b);
    CHECK(ds && strstr(b.reason, "does not match"), "a file's mtime changed: rebuilt (\"%s\")", b.reason);
    vae_cache_summary_free(&b);
    vae_dataset_close(ds);
    ds = open_dir(root, VAE_CROP_SQUARE, &b);
    CHECK(ds && b.reason[0] != 0, "--crop changed: rebuilt (\"%s\")", b.reason);
    uint8_t sq[VAE_DATA_IMAGE_BYTES];
    CHECK(ds && ds->read(ds, 0, sq) == 0 && memcmp(sq, images[0].want, sizeof sq) != 0,
          "with --crop square the 178x218 image is cropped differently");
    vae_cache_summary_free(&b);
    vae_dataset_close(ds);
    free(make(root, "zz_new.png", 8, 64, 64, 3));
    ds = open_dir(root, VAE_CROP_AUTO, &b);
    CHECK(ds && b.reason[0] != 0 && ds->count == nimages + 1, "a file added: rebuilt with %ld images",
          ds ? ds->count : -1L);
    vae_cache_summary_free(&b);
    vae_dataset_close(ds);
}

/* The same folder prepared on 1 and on 3 threads gives the same bytes. */
static void check_threads(const char *root, const char *scratch) {
    char a[1200], b[1200], err[1200];
    snprintf(a, sizeof a, "%s/one.bin", scratch);
    snprintf(b, sizeof b, "%s/three.bin", scratch);
    vae_data_options o;
    vae_data_options_default(&o);
    vae_cache_summary s1, s3;
    o.threads = 1;
    int st1 = vae_cache_build(root, a, &o, &s1, err, sizeof err);
    o.threads = 3;
    int st3 = vae_cache_build(root, b, &o, &s3, err, sizeof err);
    size_t na = 0, nb = 0;
    uint8_t *fa = st1 == 0 ? read_all(a, &na) : NULL, *fb = st3 == 0 ? read_all(b, &nb) : NULL;
    CHECK(fa && fb && na == nb && memcmp(fa, fb, na) == 0,
          "prepare on 1 and 3 threads: identical caches (%zu and %zu bytes)", na, nb);
    free(fa);
    free(fb);
    vae_cache_summary_free(&s1);
    vae_cache_summary_free(&s3);
    vae_dataset *ds = NULL;
    CHECK(vae_dataset_open(a, 0, 1, &ds, err, sizeof err) == 0 && ds->count == nimages + 1,
          "--data FILE opens a prepared cache: %ld images", ds ? ds->count : -1L);
    vae_dataset_close(ds);
}

/* The PID of a process that has just ended (a forked child, reaped). */
static long dead_pid(void) {
    pid_t child = fork();
    if (child < 0)
        die("fork", "");
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    return (long)child;
}

static int exists(const char *dir, const char *name) {
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

/* A killed build leaves NAME.tmp.PID behind; the next build of NAME removes
 * it, but not a live process's (its build in progress) nor other names. */
static void check_stale_temps(const char *root, const char *scratch) {
    char dead[64], live[64], other[64], out[1200], err[1200];
    snprintf(dead, sizeof dead, "t.bin.tmp.%ld", dead_pid());
    snprintf(live, sizeof live, "t.bin.tmp.%ld", (long)getppid());
    snprintf(other, sizeof other, "u.bin.tmp.%ld", dead_pid());
    const char *names[] = {dead, live, other, "t.bin.tmp.12x", "t.bin.tmp."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        write_bytes(scratch, names[i], "partial cache", 13);
    vae_data_options o;
    vae_data_options_default(&o);
    vae_cache_summary s;
    snprintf(out, sizeof out, "%s/t.bin", scratch);
    int st = vae_cache_build(root, out, &o, &s, err, sizeof err);
    vae_cache_summary_free(&s);
    CHECK(st == 0 && exists(scratch, "t.bin"), "the build succeeds: %s", st ? err : "t.bin");
    CHECK(!exists(scratch, dead), "%s of a process that has ended: removed", dead);
    CHECK(exists(scratch, live), "%s of a live process (the test's parent): kept", live);
    CHECK(exists(scratch, other) && exists(scratch, "t.bin.tmp.12x") && exists(scratch, "t.bin.tmp."),
          "%s (another cache's) and names without a PID: kept", other);
}

int main(void) {
    char root[512], scratch[512];
    make_temp_dir(root, sizeof root, "folder");
    make_temp_dir(scratch, sizeof scratch, "scratch");
    build_folder(root);
    vae_cache_summary built;
    vae_dataset *ds = open_dir(root, VAE_CROP_AUTO, &built);
    if (ds) {
        CHECK(strcmp(built.reason, "no cache yet") == 0, "first open builds the cache (\"%s\")", built.reason);
        CHECK(strstr(ds->path, "/.vae-vk-cache-64.bin") != NULL, "automatic cache at %s", ds->path);
        check_contents(ds);
        vae_dataset_close(ds);
    }
    vae_cache_summary_free(&built);
    check_staleness(root);
    check_threads(root, scratch);
    check_stale_temps(root, scratch);
    remove_tree(root);
    remove_tree(scratch);
    return failures ? 1 : 0;
}
