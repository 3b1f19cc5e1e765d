/* Damaged caches are detected and named, never used: a flipped byte in the
 * images (found by the chunk's checksum the first time the chunk is read,
 * while the other chunks stay readable), in the header, the chunk table or
 * the skipped names (found at open), truncation and extension anywhere,
 * another version, a file that is no cache at all; and a cache cut short
 * while it is open, which must fail its reads with the same kind of
 * message, not kill the process (a memory-mapped reader dies of SIGBUS). */
#include "data/cache_format.h"
#include "dataset_check.h"
#include "vaevk/dataset.h"

#define NIMAGES 1030 /* two chunks: 1024 + 6 */

static char dir[512], scratch[512], good[1200];

static void build(void) {
    uint8_t px[8 * 8 * 3];
    char rel[64], err[1200];
    for (int i = 0; i < NIMAGES; i++) {
        for (int p = 0; p < (int)sizeof px; p++)
            px[p] = (uint8_t)(i * 13 + p);
        snprintf(rel, sizeof rel, "img/%04d.png", i);
        write_image(dir, rel, px, 8, 8, 3);
    }
    write_bytes(dir, "img/broken.png", "", 0); /* so the names section is not empty */
    vae_data_options o;
    vae_data_options_default(&o);
    vae_cache_summary s;
    snprintf(good, sizeof good, "%s/good.bin", scratch);
    if (vae_cache_build(dir, good, &o, &s, err, sizeof err) != 0) {
        fprintf(stderr, "test set-up failed: %s\n", err);
        exit(2);
    }
    vae_cache_summary_free(&s);
}

/* A copy of the good cache with bytes [at, at+n) xor 0x40, or cut to
 * `size` bytes (size >= 0), or with a byte appended (size == -2). */
static const char *damaged(const char *name, long at, long n, long size) {
    static char path[1200];
    size_t len;
    uint8_t *b = read_all(good, &len);
    for (long i = at; i < at + n; i++)
        b[i] ^= 0x40;
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    size_t keep = size >= 0 ? (size_t)size : len;
    if (!f || fwrite(b, 1, keep, f) != keep || (size == -2 && fputc(0, f) == EOF) || fclose(f))
        die("writing", path);
    free(b);
    return path;
}

/* Opening must fail with a message naming the file and holding `phrase`. */
static void expect_refused(const char *what, const char *path, const char *phrase) {
    vae_dataset *ds = NULL;
    char err[1200] = "";
    int status = vae_dataset_open(path, 0, 1, &ds, err, sizeof err);
    CHECK(status != 0 && strstr(err, path) && strstr(err, phrase), "%s: refused: %s", what, err);
    vae_dataset_close(ds);
}

static void check_images_flip(void) {
    const long chunk1 = CACHE_HEADER_BYTES + 1024L * VAE_DATA_IMAGE_BYTES;
    const char *path = damaged("flip_image.bin", chunk1 + 5 * VAE_DATA_IMAGE_BYTES + 77, 1, -1);
    vae_dataset *ds = NULL;
    char err[1200];
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    CHECK(vae_dataset_open(path, 0, 1, &ds, err, sizeof err) == 0,
          "a flipped image byte does not stop the open (chunks are checked when read)");
    if (!ds)
        return;
    CHECK(ds->read(ds, 0, rgb) == 0 && ds->read(ds, 1023, rgb) == 0,
          "images of the intact chunk 0 read fine");
    int st = ds->read(ds, 1024, rgb);
    CHECK(st != 0 && strstr(ds->error, path) && strstr(ds->error, "images 1024..1029"),
          "reading image 1024 of the damaged chunk fails: %s", ds->error);
    CHECK(ds->read(ds, 1029, rgb) != 0, "so does image 1029, the flipped one");
    vae_dataset_close(ds);
    ds = NULL;
    vae_dataset_open(path, 0, 1, &ds, err, sizeof err);
    CHECK(ds && ds->verify && ds->verify(ds, NULL, NULL) != 0 && strstr(ds->error, "corrupted"),
          "verify() finds it up front too: %s", ds ? ds->error : "");
    vae_dataset_close(ds);
}

/* Opens a fresh copy of the good cache, reads image 0 (chunk 0 is checked
 * then), cuts the file to `keep` bytes and reads image `index`: the read
 * must fail, naming the file as truncated. */
static void check_cut_while_open(const char *name, long keep, long index) {
    const char *path = damaged(name, 0, 0, -1);
    vae_dataset *ds = NULL;
    char err[1200];
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    if (vae_dataset_open(path, 0, 1, &ds, err, sizeof err) != 0 || ds->read(ds, 0, rgb) != 0) {
        CHECK(0, "%s: the intact copy opens and reads: %s", name, ds ? ds->error : err);
        vae_dataset_close(ds);
        return;
    }
    if (truncate(path, keep) != 0)
        die("truncating", path);
    int st = ds->read(ds, index, rgb);
    CHECK(st != 0 && strstr(ds->error, path) && strstr(ds->error, "truncated") &&
          strstr(ds->error, "make it again"),
          "cut to %ld bytes while open, reading image %ld fails: %s", keep, index,
          st ? ds->error : "(it read)");
    CHECK(ds->verify(ds, NULL, NULL) != 0 && strstr(ds->error, "truncated"),
          "and verify() reports it too: %s", ds->error);
    vae_dataset_close(ds);
}

static void check_good(void) {
    vae_dataset *ds = NULL;
    char err[1200];
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    int ok = vae_dataset_open(good, 0, 1, &ds, err, sizeof err) == 0;
    CHECK(ok && ds->count == NIMAGES && ds->skipped == 1 && ds->verify(ds, NULL, NULL) == 0 &&
          ds->read(ds, NIMAGES - 1, rgb) == 0,
          "the intact cache: %ld images, %ld skipped, every chunk verifies", ok ? ds->count : -1L,
          ok ? ds->skipped : -1L);
    CHECK(ok && ds->read(ds, NIMAGES, rgb) != 0 && strstr(ds->error, "does not exist"),
          "image %d past the end is refused: %s", NIMAGES, ok ? ds->error : "");
    vae_dataset_close(ds);
}

int main(void) {
    make_temp_dir(dir, sizeof dir, "cachesrc");
    make_temp_dir(scratch, sizeof scratch, "cache");
    build();
    size_t len;
    free(read_all(good, &len));
    const long images_end = CACHE_HEADER_BYTES + (long)NIMAGES * VAE_DATA_IMAGE_BYTES;
    const long names = images_end + 2 * 8;
    check_good();
    check_images_flip();
    /* inside chunk 1, never read yet: its first check meets the end */
    check_cut_while_open("cut_open1.bin", CACHE_HEADER_BYTES + 1025L * VAE_DATA_IMAGE_BYTES, 1028);
    /* inside chunk 0, already checked: the image's own read meets the end */
    check_cut_while_open("cut_open0.bin", CACHE_HEADER_BYTES + 500L * VAE_DATA_IMAGE_BYTES + 7, 900);
    expect_refused("count field changed", damaged("count.bin", 32, 1, -1), "damaged header");
    expect_refused("signature field changed", damaged("sig.bin", 56, 1, -1), "fails its checksum");
    expect_refused("chunk table byte flipped", damaged("table.bin", images_end + 9, 1, -1), "fails its checksum");
    expect_refused("skipped-names byte flipped", damaged("names.bin", names + 2, 1, -1), "fails its checksum");
    expect_refused("last byte cut", damaged("cut1.bin", 0, 0, (long)len - 1), "is truncated");
    expect_refused("cut inside the images", damaged("cut2.bin", 0, 0, images_end - 5000), "is truncated");
    expect_refused("cut inside the header", damaged("cut3.bin", 0, 0, 100), "truncated inside its header");
    expect_refused("a byte appended", damaged("long.bin", 0, 0, -2), "too long");
    expect_refused("version changed", damaged("version.bin", 8, 1, -1), "version");
    expect_refused("magic changed", damaged("magic.bin", 0, 1, -1), "neither a folder nor a vae-vk dataset cache");
    remove_tree(dir);
    remove_tree(scratch);
    return failures ? 1 : 0;
}
