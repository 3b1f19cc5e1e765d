/* The validation split (disjoint, complete, fixed by the seed), the
 * per-epoch shuffles, and the loader thread: the batches it hands out are
 * exactly the ones the split and the shuffles define, from step 0 or from
 * any resumed step, across epoch boundaries; a damaged cache stops it with
 * the file named. */
#include "data/cache_format.h"
#include "dataset_check.h"
#include "vaevk/dataset.h"

#define COUNT 103

static char dir[512], scratch[512];

/* Image i of the folder carries i in its first pixel (8x8 -> 64x64 is an
 * exact 8x enlargement, so pixel (0,0) survives): byte 0 = i % 256, byte 1
 * = i / 256. */
static vae_dataset *make_dataset(char *cache, size_t len) {
    uint8_t px[8 * 8 * 3] = {0};
    char rel[64], err[1200];
    for (int i = 0; i < COUNT; i++) {
        px[0] = (uint8_t)(i % 256), px[1] = (uint8_t)(i / 256);
        snprintf(rel, sizeof rel, "%03d.png", i);
        write_image(dir, rel, px, 8, 8, 3);
    }
    vae_data_options o;
    vae_data_options_default(&o);
    vae_cache_summary s;
    vae_dataset *ds = NULL;
    snprintf(cache, len, "%s/c.bin", scratch);
    if (vae_cache_build(dir, cache, &o, &s, err, sizeof err) != 0 ||
        vae_cache_open(cache, &ds, err, sizeof err) != 0) {
        fprintf(stderr, "test set-up failed: %s\n", err);
        exit(2);
    }
    vae_cache_summary_free(&s);
    return ds;
}

static long image_id(const uint8_t *rgb) { return rgb[0] + 256L * rgb[1]; }

static void check_split(vae_dataset *ds) {
    char err[200];
    vae_split a, b, c, none, tiny;
    vae_split_make(&a, ds, 0.1, 1, err, sizeof err);
    vae_split_make(&b, ds, 0.1, 1, err, sizeof err);
    vae_split_make(&c, ds, 0.1, 2, err, sizeof err);
    char *seen = test_alloc(COUNT);
    int bad = 0;
    for (long i = 0; i < a.ntrain; i++)
        bad += seen[a.train[i]]++ != 0 || (i > 0 && a.train[i] <= a.train[i - 1]);
    for (long i = 0; i < a.nval; i++)
        bad += seen[a.val[i]]++ != 0 || (i > 0 && a.val[i] <= a.val[i - 1]);
    for (int i = 0; i < COUNT; i++)
        bad += seen[i] != 1;
    CHECK(a.nval == 10 && a.ntrain == 93 && bad == 0,
          "split of %d at 0.1: %ld validation + %ld training (want 10 + 93), disjoint, complete, "
          "ascending: %d faults", COUNT, a.nval, a.ntrain, bad);
    CHECK(a.nval == b.nval && memcmp(a.val, b.val, (size_t)a.nval * sizeof *a.val) == 0,
          "same seed, same split (validation starts %ld %ld %ld)", a.val[0], a.val[1], a.val[2]);
    CHECK(c.nval == a.nval && memcmp(a.val, c.val, (size_t)a.nval * sizeof *a.val) != 0,
          "seed 2 holds out other images (starts %ld %ld %ld)", c.val[0], c.val[1], c.val[2]);
    vae_split_make(&none, ds, 0.0, 1, err, sizeof err);
    CHECK(none.nval == 0 && none.ntrain == COUNT, "--val-fraction 0: no validation set (%ld)", none.nval);
    long saved = ds->count;
    ds->count = 2; /* a tiny dataset still holds one out, and trains on one */
    vae_split_make(&tiny, ds, 0.05, 1, err, sizeof err);
    ds->count = saved;
    CHECK(tiny.nval == 1 && tiny.ntrain == 1, "2 images at 0.05: %ld held out, %ld training", tiny.nval, tiny.ntrain);
    vae_split *all[] = {&a, &b, &c, &none, &tiny};
    for (int i = 0; i < 5; i++)
        vae_split_free(all[i]);
    free(seen);
}

static void check_synthetic_split(void) {
    vae_dataset *ds;
    vae_split s;
    char err[200];
    vae_dataset_open("synthetic", 100, 1, &ds, err, sizeof err);
    vae_split_make(&s, ds, 0.05, 1, err, sizeof err);
    CHECK(s.ntrain == 100 && s.nval == 5 && s.train[99] == 99 && s.val[0] == 100 && s.val[4] == 104,
          "synthetic: trains on faces 0..99, validates on the unseen faces 100..104");
    vae_split_free(&s);
    vae_dataset_close(ds);
}

static void check_shuffle(void) {
    long a[500], b[500], c[500];
    vae_dataset_shuffle(a, 500, 9, 3);
    vae_dataset_shuffle(b, 500, 9, 3);
    vae_dataset_shuffle(c, 500, 9, 4);
    char seen[500] = {0};
    int bad = 0, moved = 0;
    for (int i = 0; i < 500; i++) {
        bad += a[i] < 0 || a[i] >= 500 || seen[a[i]]++;
        moved += a[i] != c[i];
    }
    CHECK(bad == 0 && memcmp(a, b, sizeof a) == 0 && moved > 400,
          "shuffle: a permutation, the same for the same (seed, epoch), another for the next "
          "epoch (%d of 500 positions differ)", moved);
}

/* The image ids of step `step`'s batch as the split and shuffles define it. */
static void expected_batch(const vae_split *s, int batch, long step, uint64_t seed, long *ids) {
    long spe = s->ntrain / batch, *perm = test_alloc((size_t)s->ntrain * sizeof *perm);
    vae_dataset_shuffle(perm, s->ntrain, seed, (uint32_t)(step / spe));
    for (int i = 0; i < batch; i++)
        ids[i] = s->train[perm[(step % spe) * batch + i]];
    free(perm);
}

/* Takes `steps` batches from a loader started at first_step; counts the
 * images that differ from the definition. */
static int run_loader(vae_dataset *ds, const vae_split *s, int batch, long first_step, long steps) {
    const uint64_t seed = 5;
    vae_loader *l;
    char err[200];
    long ids[8];
    if (vae_loader_start(&l, ds, s->train, s->ntrain, batch, seed, first_step, err, sizeof err) != 0) {
        printf("FAIL  loader start: %s\n", err);
        return -1;
    }
    int bad = 0;
    for (long step = first_step; step < first_step + steps; step++) {
        const uint8_t *px = vae_loader_next(l);
        if (!px) {
            bad++;
            break;
        }
        expected_batch(s, batch, step, seed, ids);
        for (int i = 0; i < batch; i++)
            bad += image_id(px + (size_t)i * VAE_DATA_IMAGE_BYTES) != ids[i];
    }
    CHECK(vae_loader_batches(l) == steps, "loader served %ld batches", vae_loader_batches(l));
    vae_loader_stop(l);
    return bad;
}

static void check_loader(vae_dataset *ds) {
    char err[200];
    vae_split s;
    vae_split_make(&s, ds, 0.1, 1, err, sizeof err); /* 93 training: 11 steps of 8 per epoch */
    int bad = run_loader(ds, &s, 8, 0, 30);
    CHECK(bad == 0, "steps 0..29 (epochs 0, 1, 2): every image is the one the split and the "
          "epoch's shuffle define (%d differ)", bad);
    bad = run_loader(ds, &s, 8, 17, 13);
    CHECK(bad == 0, "a loader resumed at step 17 hands out the same batches (%d differ)", bad);
    vae_split_free(&s);
}

/* A flipped image byte: the loader stops and names the file. */
static void check_loader_damage(const char *cache) {
    char path[1200], err[1200];
    size_t len;
    uint8_t *b = read_all(cache, &len);
    b[CACHE_HEADER_BYTES + 3 * VAE_DATA_IMAGE_BYTES + 100] ^= 1;
    snprintf(path, sizeof path, "%s/damaged.bin", scratch);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, len, f) != len || fclose(f))
        die("writing", path);
    free(b);
    vae_dataset *ds;
    vae_loader *l;
    if (vae_cache_open(path, &ds, err, sizeof err) != 0 ||
        vae_loader_start(&l, ds, NULL, ds->count, 8, 1, 0, err, sizeof err) != 0) {
        printf("FAIL  %s\n", err);
        failures++;
        return;
    }
    const uint8_t *px = vae_loader_next(l);
    CHECK(px == NULL && strstr(vae_loader_error(l), path) && strstr(vae_loader_error(l), "corrupted"),
          "a damaged cache stops the loader: %s", vae_loader_error(l));
    vae_loader_stop(l);
    vae_dataset_close(ds);
}

int main(void) {
    char cache[1200];
    make_temp_dir(dir, sizeof dir, "splitsrc");
    make_temp_dir(scratch, sizeof scratch, "split");
    vae_dataset *ds = make_dataset(cache, sizeof cache);
    check_split(ds);
    check_synthetic_split();
    check_shuffle();
    check_loader(ds);
    check_loader_damage(cache);
    vae_dataset_close(ds);
    remove_tree(dir);
    remove_tree(scratch);
    return failures ? 1 : 0;
}
