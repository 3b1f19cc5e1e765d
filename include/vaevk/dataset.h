/* Datasets: anything that can produce image i as (64,64,3) uint8 HWC.
 *
 * Three kinds, chosen by the spec string given to --data:
 *   "synthetic"  the built-in procedural faces (vaevk/synthetic.h);
 *   a directory  every .jpg/.jpeg/.png/.bmp under it, recursively, cropped
 *                and resized once into a cache file that is then used;
 *   a cache file one written by `vae-vk dataset prepare` (or automatically
 *                for a directory), memory-mapped.
 * A directory is never decoded image by image while training: it always
 * goes through its cache, so image i means the same everywhere (training,
 * the validation split, previews, reconstructions). */
#ifndef VAEVK_DATASET_H
#define VAEVK_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define VAE_DATA_SIDE 64
#define VAE_DATA_IMAGE_BYTES (VAE_DATA_SIDE * VAE_DATA_SIDE * 3)

/* Crop settings: a centred square is cut from every image, then resized to
 * 64x64 by area averaging. AUTO takes CelebA's usual 148x148 face crop from
 * its 178x218 aligned images and the largest square from anything else;
 * SQUARE always takes the largest square; N > 0 takes N x N (clamped to the
 * largest square the image holds). */
#define VAE_CROP_AUTO (-1)
#define VAE_CROP_SQUARE 0
#define VAE_CELEBA_WIDTH 178
#define VAE_CELEBA_HEIGHT 218
#define VAE_CELEBA_CROP 148

/* Larger images are refused before they are decoded (from the header). */
#define VAE_MAX_IMAGE_SIDE 8192

#define VAE_VAL_FRACTION_DEFAULT 0.05

/* Long work reports here: `what` is a short phrase ("decoding DIR"). */
typedef void (*vae_progress_fn)(void *ctx, const char *what, long done, long total);

typedef struct vae_dataset vae_dataset;
struct vae_dataset {
    long count;
    int unbounded;            /* images past count exist too (synthetic) */
    int costly_read;          /* a read computes (synthetic renders): the loader
                               * spreads each batch over several threads */
    long files;               /* image files found (folders and caches) */
    long skipped;             /* of those, the ones that could not be used */
    const char *skipped_list; /* one "path: reason" line each, or NULL */
    char path[1024];          /* the cache file in use, "" when none */
    char description[256];
    char error[768];          /* why the last failed read failed */
    /* Writes image `index` (0 <= index < count, or any index when
     * unbounded) as (64,64,3) HWC. Safe to call from several threads at
     * once. 0, or -1 with ds->error set. */
    int (*read)(vae_dataset *ds, long index, uint8_t *rgb);
    /* Checks every stored checksum now (caches; NULL for the others).
     * 0, or -1 with ds->error naming the file and the damage. */
    int (*verify)(vae_dataset *ds, vae_progress_fn progress, void *ctx);
    void (*close)(vae_dataset *ds);
};

typedef struct {
    int crop;                 /* VAE_CROP_AUTO (default), VAE_CROP_SQUARE or N */
    int threads;              /* decoding threads when building a cache; 0: one per core */
    /* A directory's automatic cache is DIR/.vae-vk-cache-64.bin; when DIR
     * is read-only it goes in cache_dir instead (NULL: fail). */
    const char *cache_dir;
    vae_progress_fn progress; /* NULL: silent */
    void *progress_ctx;
} vae_data_options;

void vae_data_options_default(vae_data_options *o);

/* Opens a dataset by spec (see the top of this file). synthetic_count is
 * the size of the synthetic set. For a directory, its automatic cache is
 * reused when it matches the folder (see vae_cache_open_for_dir) and
 * rebuilt otherwise. 0, or -1 + one line in err. */
int vae_dataset_open_with(const char *spec, const vae_data_options *o, long synthetic_count,
                          uint64_t seed, vae_dataset **out, char *err, size_t errlen);
/* The same with default options. */
int vae_dataset_open(const char *spec, long synthetic_count, uint64_t seed, vae_dataset **out,
                     char *err, size_t errlen);
void vae_dataset_close(vae_dataset *ds);

/* The permutation of [0, n) for `epoch`, from the SHUFFLE stream. */
void vae_dataset_shuffle(long *order, long n, uint64_t seed, uint32_t epoch);
/* Reads images order[first..first+n) (or first..first+n when order is NULL)
 * into rgb (n,64,64,3). 0, or -1 with ds->error set. */
int vae_dataset_read_batch(vae_dataset *ds, const long *order, long first, int n, uint8_t *rgb);
/* The same for images[0..n) on `threads` threads (this one among them),
 * image i by thread i mod threads; the bytes do not depend on the count. */
int vae_dataset_read_list(vae_dataset *ds, const long *images, long n, uint8_t *rgb, int threads);
/* Threads worth reading with: one per core (at most VAE_LOADER_MAX_WORKERS)
 * when reads compute (costly_read), else one. */
int vae_dataset_read_threads(const vae_dataset *ds);

/* ---- caches ---------------------------------------------------------- */

typedef struct {
    long files;         /* image files found */
    long images;        /* stored */
    long skipped;       /* files that could not be used (plus unreadable folders) */
    char *skipped_list; /* "path: reason" lines (malloc'd), NULL if none */
    double seconds;     /* wall time of the build */
    char reason[640];   /* vae_cache_open_for_dir: why it (re)built, "" if it did not */
} vae_cache_summary;

/* Decodes, crops and resizes every image under dir (o->threads threads)
 * into the cache file out_path, written to out_path.tmp.PID and renamed.
 * Unusable files are skipped and listed in the summary. 0, or -1 + err. */
int vae_cache_build(const char *dir, const char *out_path, const vae_data_options *o,
                    vae_cache_summary *summary, char *err, size_t errlen);
void vae_cache_summary_free(vae_cache_summary *s);

/* Opens a cache file: its header, size and header checksum are checked
 * now; each chunk's image checksum the first time an image of the chunk is
 * read (or all of them by ds->verify). 0, or -1 + err. */
int vae_cache_open(const char *path, vae_dataset **out, char *err, size_t errlen);

/* Opens dir through its automatic cache, building it first when it is
 * missing or stale. A cache is fresh when it was made with the same crop
 * from the same list of files (relative paths, sizes and modification
 * times, in sorted order), as recorded in its header as a 64-bit
 * signature. `built` describes the build, if there was one (its reason
 * is "" otherwise); free it with vae_cache_summary_free. 0, or -1 + err. */
int vae_cache_open_for_dir(const char *dir, const vae_data_options *o, vae_dataset **out,
                           vae_cache_summary *built, char *err, size_t errlen);

/* One line naming up to `limit` skipped files ("a.jpg (truncated), ..."),
 * for the summary printed when a folder is opened. */
void vae_skipped_line(const char *skipped_list, long skipped, int limit, char *out, size_t outlen);

/* ---- the validation split --------------------------------------------- */

typedef struct {
    long *train, *val; /* image indices, ascending */
    long ntrain, nval;
} vae_split;

/* Holds out round(count * val_fraction) images (at least one when the
 * fraction is positive and count >= 2), chosen by a permutation from the
 * SPLIT stream of seed; the rest train. For an unbounded (synthetic)
 * dataset the training set is [0, count) and validation takes the images
 * just past it. 0, or -1 + err. */
int vae_split_make(vae_split *s, const vae_dataset *ds, double val_fraction, uint64_t seed,
                   char *err, size_t errlen);
void vae_split_free(vae_split *s);

/* ---- the batch loader ------------------------------------------------- */

/* A background thread that assembles the batches of consecutive training
 * steps ahead of the trainer, in a ring of VAE_LOADER_SLOTS buffers. Step s
 * of epoch e = s / steps_per_epoch (steps_per_epoch = n / batch) holds
 * index[perm[k]] for k in [(s mod steps_per_epoch) * batch, + batch),
 * perm = vae_dataset_shuffle(n, seed, e): the same batches an uninterrupted
 * run sees, from any first step. */
#define VAE_LOADER_SLOTS 3
/* Threads that read one batch together when reads compute (costly_read). */
#define VAE_LOADER_MAX_WORKERS 16

typedef struct vae_loader vae_loader;

/* The batches themselves: step s takes positions [(s mod spe)·batch, +batch)
 * of the shuffle of epoch s / spe over the n training images, spe = n /
 * batch. The loader reads index[position] for each; a trainer holding
 * the training images in index order (vae_trainer_hold_data) is given the
 * positions. */
typedef struct {
    long *perm;   /* the shuffle of `epoch` */
    long n, epoch;
    int batch;
    uint64_t seed;
} vae_batch_order;

int vae_batch_order_init(vae_batch_order *o, long n, int batch, uint64_t seed);
/* Step's `batch` positions, valid until the next call. */
const long *vae_batch_order_step(vae_batch_order *o, long step);
void vae_batch_order_free(vae_batch_order *o);

/* index (n) is borrowed until vae_loader_stop; NULL means 0..n-1. */
int vae_loader_start(vae_loader **out, vae_dataset *ds, const long *index, long n, int batch,
                     uint64_t seed, long first_step, char *err, size_t errlen);
/* The batch (batch,64,64,3) of the next step, valid until the next call;
 * blocks until it is ready. NULL on failure: vae_loader_error says why. */
const uint8_t *vae_loader_next(vae_loader *l);
const char *vae_loader_error(const vae_loader *l);
/* Seconds the caller spent blocked in vae_loader_next, and batches served. */
double vae_loader_wait_seconds(const vae_loader *l);
long vae_loader_batches(const vae_loader *l);
void vae_loader_stop(vae_loader *l);

#endif
