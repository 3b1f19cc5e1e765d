/* The dataset held on the device (vae_trainer_hold_data): a trainer that
 * gathers each batch by index from its resident images trains to the same
 * bits as one handed the same batches as pixels (input_gather converts and
 * flips exactly as input_convert does), also with the images in several
 * chunks; a dataset that does not fit is refused with the limit named and
 * the trainer keeps taking pixels; misuse is refused. Run on one device
 * (reference, cpu or a Vulkan index) given as the argument. */
#include "../common/device_arg.h"
#include "dataset_check.h"
#include "vaevk/dataset.h"
#include "vaevk/device.h"
#include "vaevk/synthetic.h"
#include "vaevk/train.h"
#include "vaevk/vulkan.h"

#define N 40     /* images */
#define B 8      /* a batch: 5 steps an epoch */
#define STEPS 12 /* two epochs and a bit: two shuffles */
#define SEED 11

static vae_config tiny(void) {
    vae_config cfg;
    vae_config_default(&cfg);
    const int widths[VAE_LEVELS] = {4, 8, 8, 16};
    memcpy(cfg.channels, widths, sizeof widths);
    cfg.latent = 8;
    return cfg;
}

static int start(vae_trainer *t, vae_backend *be) {
    vae_config cfg = tiny();
    return vae_trainer_init(t, be, &cfg, B, SEED, 1e-3f, 1, VAE_PRECISION_FP32);
}

static int set_params(vae_trainer *t) {
    float *params = test_alloc(t->lay.table.total * sizeof(float));
    vae_params_init(params, &t->lay.table, SEED);
    int status = vae_trainer_set_state(t, params, NULL, NULL);
    free(params);
    return status;
}

/* Step s's batch: positions in the epoch's shuffle, as the loader takes them. */
static void batch_indices(long step, uint32_t idx[B]) {
    long perm[N];
    vae_dataset_shuffle(perm, N, SEED, (uint32_t)(step / (N / B)));
    for (int b = 0; b < B; b++)
        idx[b] = (uint32_t)perm[(step % (N / B)) * B + b];
}

typedef struct {
    vae_step_out out[STEPS];
    float *params, *m, *v;
} run_result;

static void free_result(run_result *r) {
    free(r->params), free(r->m), free(r->v);
}

/* STEPS steps; gathered when the trainer holds the data, else as pixels. */
static int train(vae_trainer *t, const uint8_t *images, run_result *r) {
    uint8_t *pixels = test_alloc((size_t)B * VAE_DATA_IMAGE_BYTES);
    int status = 0;
    for (long s = 0; s < STEPS && status == 0; s++) {
        uint32_t idx[B];
        batch_indices(s, idx);
        for (int b = 0; b < B; b++)
            memcpy(pixels + (size_t)b * VAE_DATA_IMAGE_BYTES, images + (size_t)idx[b] * VAE_DATA_IMAGE_BYTES,
                   VAE_DATA_IMAGE_BYTES);
        status = t->resident.images ? vae_trainer_submit_indices(t, idx, s, 0.5f)
                                    : vae_trainer_submit(t, pixels, s, 0.5f);
        if (status == 0 && s % 2 == 1) /* two in flight, then both collected */
            status = vae_trainer_collect(t, &r->out[s - 1]) || vae_trainer_collect(t, &r->out[s]);
    }
    const size_t n = t->lay.table.total;
    r->params = test_alloc(n * 4), r->m = test_alloc(n * 4), r->v = test_alloc(n * 4);
    status = status || vae_trainer_get_state(t, r->params, r->m, r->v);
    free(pixels);
    return status;
}

static int same_run(const vae_trainer *t, const run_result *a, const run_result *b) {
    const size_t n = t->lay.table.total * 4;
    return memcmp(a->out, b->out, sizeof a->out) == 0 && memcmp(a->params, b->params, n) == 0 &&
           memcmp(a->m, b->m, n) == 0 && memcmp(a->v, b->v, n) == 0;
}

/* A trainer holding the images (in chunks of at most chunk_images when
 * that is positive) trains as the one given pixels did. */
static void check_resident(vae_backend *be, const uint8_t *images, const run_result *want, int chunk_images) {
    vae_trainer t;
    char why[300] = "";
    uint64_t limit = be->max_tensor_bytes;
    int held = -1;
    if (start(&t, be) == 0) {
        if (chunk_images > 0) /* bindings of chunk_images and a bit */
            be->max_tensor_bytes = (uint64_t)chunk_images * VAE_DATA_IMAGE_BYTES + 100;
        held = vae_trainer_hold_data(&t, N, why, sizeof why);
    }
    be->max_tensor_bytes = limit;
    CHECK(held == 0, "%d images held%s%s: %d chunk%s", N, why[0] ? ": " : "", why, t.resident.chunks,
          t.resident.chunks == 1 ? "" : "s");
    if (held != 0)
        return;
    run_result got;
    int status = vae_trainer_upload_data(&t, 0, N / 2, images) ||
                 vae_trainer_upload_data(&t, N / 2, N - N / 2, images + (size_t)(N / 2) * VAE_DATA_IMAGE_BYTES) ||
                 set_params(&t) || train(&t, images, &got);
    CHECK(status == 0 && same_run(&t, want, &got),
          "%d steps gathered on the device from %d chunk%s: every loss term, the parameters and both "
          "moments bit-identical to the steps given pixels (last loss %.6f, want %.6f)",
          STEPS, t.resident.chunks, t.resident.chunks == 1 ? "" : "s", got.out[STEPS - 1].loss,
          want->out[STEPS - 1].loss);
    if (chunk_images > 0)
        CHECK(t.resident.chunks == (N + chunk_images - 1) / chunk_images, "%d images in chunks of %d: %d chunks",
              N, chunk_images, t.resident.chunks);
    uint8_t pixels[B * VAE_DATA_IMAGE_BYTES] = {0};
    uint32_t past[B] = {0, 1, 2, N, 4, 5, 6, 7};
    CHECK(vae_trainer_submit(&t, pixels, STEPS, 0.5f) != 0, "pixels refused by a trainer holding its data: %s",
          be->error);
    CHECK(vae_trainer_submit_indices(&t, past, STEPS, 0.5f) != 0 && t.in_flight == 0,
          "an index past the images held refused, nothing submitted: %s", be->error);
    CHECK(vae_trainer_upload_data(&t, N - 1, 2, images) != 0, "an upload past them refused: %s", be->error);
    free_result(&got);
    vae_trainer_free(&t);
}

/* Refused data leaves a trainer that trains from pixels as before. */
static void check_refused(vae_backend *be, const uint8_t *images, const run_result *want, const char *how,
                          const char *phrase) {
    vae_trainer t;
    char why[300] = "";
    uint64_t arena = be->max_arena_bytes;
    int held = -1;
    if (start(&t, be) == 0) {
        if (strcmp(how, "arena") == 0)
            be->max_arena_bytes = (uint64_t)N * VAE_DATA_IMAGE_BYTES - 1;
        else
            setenv("VAEVK_RESIDENT_MAX_MB", how, 1);
        held = vae_trainer_hold_data(&t, N, why, sizeof why);
    }
    be->max_arena_bytes = arena;
    unsetenv("VAEVK_RESIDENT_MAX_MB");
    CHECK(held == 1 && strstr(why, phrase) && t.resident.images == 0, "refused (%s): %s", how, why);
    run_result got;
    int status = held == 1 ? set_params(&t) || train(&t, images, &got) : -1;
    CHECK(status == 0 && same_run(&t, want, &got), "then trained from pixels as before (last loss %.6f)",
          status == 0 ? got.out[STEPS - 1].loss : 0.0f);
    if (status == 0)
        free_result(&got);
    vae_trainer_free(&t);
}

int main(int argc, char **argv) {
    int exit_code = 0;
    vae_device dev;
    vae_backend *be = test_open_device_arg(argc, argv, "test_resident", &dev, &exit_code);
    if (!be)
        return exit_code;
    uint8_t *images = test_alloc((size_t)N * VAE_DATA_IMAGE_BYTES);
    synth_faces(images, SEED, 0, N);
    vae_trainer t;
    run_result want;
    if (start(&t, be) != 0 || set_params(&t) != 0 || train(&t, images, &want) != 0) {
        printf("FAIL training from pixels: %s\n", be->error);
        return 1;
    }
    vae_trainer_free(&t);
    check_resident(be, images, &want, 0);
    check_resident(be, images, &want, 7);
    check_refused(be, images, &want, "0", "VAEVK_RESIDENT_MAX_MB=0");
    check_refused(be, images, &want, "arena", "maxMemoryAllocationSize");
    free_result(&want);
    free(images);
    be->vt->destroy(be);
    if (dev.kind == VAE_DEVICE_VULKAN) {
        const char *on = getenv("VAEVK_VALIDATION");
        CHECK(vae_vk_validation_messages() == 0, "validation layer %s: %d warnings/errors",
              on && strcmp(on, "1") == 0 ? "on" : "off", vae_vk_validation_messages());
    }
    return failures ? 1 : 0;
}
