/* vae-vk bench: training-step throughput on a device, timed over whole
 * steps (upload, step, loss read-back) after a warm-up; on the CPU backend
 * also against the machine's multiply-add ceiling. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/device.h"
#include "cli/progress.h"
#include "vaevk/fast.h"
#include "vaevk/synthetic.h"
#include "vaevk/train.h"

typedef struct {
    int batch, steps, warmup, latent;
    const char *channels;
    cli_device device;
} bench_options;

static int run(const bench_options *b, vae_backend *be, const vae_device *dev, const vae_config *cfg) {
    vae_trainer t = {0};
    const size_t image = 64 * 64 * 3;
    uint8_t *pixels = malloc((size_t)b->batch * image);
    float *params = NULL;
    int status = 1;
    if (!pixels || vae_trainer_init(&t, be, cfg, b->batch, 1, 1e-3f, 1, VAE_PRECISION_FP32) != 0) {
        fprintf(stderr, "vae-vk bench: %s\n", pixels ? be->error : "out of memory");
        goto done;
    }
    params = malloc((size_t)t.lay.table.total * sizeof *params);
    if (!params)
        goto done;
    vae_params_init(params, &t.lay.table, 1);
    synth_faces(pixels, 1, 0, b->batch);
    if (vae_trainer_set_state(&t, params, NULL, NULL) != 0)
        goto fail;
    vae_step_out out;
    double start = 0;
    for (int s = 0; s < b->warmup + b->steps; s++) {
        if (s == b->warmup)
            start = now_seconds();
        if (vae_trainer_step(&t, pixels, s, 0.5f, &out) != 0)
            goto fail;
    }
    double seconds = now_seconds() - start;
    double flops = vae_train_step_flops(cfg, b->batch) * b->steps;
    printf("device:        %s\n", be->name);
    printf("model:         channels %d,%d,%d,%d latent %d, batch %d\n", cfg->channels[0],
           cfg->channels[1], cfg->channels[2], cfg->channels[3], cfg->latent, b->batch);
    printf("steps timed:   %d (after %d warm-up)\n", b->steps, b->warmup);
    printf("time per step: %.2f ms\n", 1e3 * seconds / b->steps);
    printf("images/s:      %.1f\n", (double)b->batch * b->steps / seconds);
    printf("GFLOP/s:       %.2f (%.2f GFLOP per step, convolutions and linear layers)\n",
           flops / seconds * 1e-9, vae_train_step_flops(cfg, b->batch) * 1e-9);
    if (dev->kind == VAE_DEVICE_CPU) {
        double peak = vae_fast_peak_gflops(dev->threads);
        printf("peak:          %.1f GFLOP/s on a loop of nothing but multiply-adds (the step: %.0f%% of it)\n",
               peak, peak > 0 ? 100 * flops / seconds * 1e-9 / peak : 0.0);
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("peak memory:   %.0f MiB resident\n", (double)ru.ru_maxrss / 1024.0);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "vae-vk bench: %s\n", be->error);
done:
    vae_trainer_free(&t);
    free(pixels);
    free(params);
    return status;
}

int cmd_bench(int argc, char **argv) {
    bench_options b = {64, 10, 2, 128, NULL, {NULL, 0}};
    arg_spec specs[] = {
        CLI_DEVICE_SPECS(&b.device),
        {"batch", ARG_INT, &b.batch, 1, 65536, "images per step (64)", 0},
        {"steps", ARG_INT, &b.steps, 1, 1e6, "steps timed (10)", 0},
        {"warmup", ARG_INT, &b.warmup, 0, 1e6, "steps run before timing (2)", 0},
        {"latent", ARG_INT, &b.latent, 1, 4096, "latent size (128)", 0},
        {"channels", ARG_STRING, &b.channels, 1, 0, "encoder widths (32,64,128,256)", 0},
    };
    int status = args_parse("bench", "[--device cpu|reference|N] [--threads N] [--batch 64] [--steps 10]", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    vae_config cfg;
    vae_config_default(&cfg);
    cfg.latent = b.latent;
    if (b.channels && vae_channels_parse(b.channels, cfg.channels) != 0) {
        fprintf(stderr, "vae-vk bench: --channels '%s' must be four positive widths like 32,64,128,256\n",
                b.channels);
        return 2;
    }
    vae_device dev;
    if (cli_device_parse("bench", &b.device, &dev) != 0)
        return 2;
    vae_backend *be = cli_open_backend("bench", &b.device, 0);
    if (!be)
        return 1;
    dev = vae_device_resolve(dev);
    status = run(&b, be, &dev, &cfg);
    be->vt->destroy(be);
    return status;
}
