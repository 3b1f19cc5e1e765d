/* vae-vk selftest: does this device (a Vulkan device or the fast CPU
 * backend) compute what the reference computes? Every op alone, then a
 * short training run, each compared with the reference (vaevk/selftest.h),
 * as a table and one verdict line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/device.h"
#include "cli/commands.h"
#include "vaevk/selftest.h"
#include "vaevk/vulkan.h"

#define QUICK_STEPS 5

typedef struct {
    int checks, passed;
} tally;

static void version_text(uint32_t v, char *out, size_t len) {
    snprintf(out, len, "%u.%u.%u", v >> 22 & 0x7f, v >> 12 & 0x3ff, v & 0xfff);
}

static void print_header(const vae_backend *be, const vae_device *dev, const vae_selftest_train_options *o) {
    vae_vk_device_info *d = NULL;
    int n = 0, index = dev->vulkan_index;
    char err[256], api[32];
    printf("vae-vk selftest: %s\n", be->name);
    if (dev->kind == VAE_DEVICE_VULKAN && vae_vk_list_devices(&d, &n, err, sizeof err) == 0 && index < n) {
        version_text(d[index].api_version, api, sizeof api);
        printf("  %s %s device; driver %s, version %s; Vulkan %s\n", d[index].vendor, d[index].type,
               d[index].driver, d[index].driver_version_text, api);
    }
    free(d);
    printf("\nEach check runs the same work here and on the reference (plain C, sums in double)"
           " and compares:\n"
           "  ops       each op alone on odd sizes: normalized MSE sum((dev-ref)^2)/sum(ref^2) <= %g;\n"
           "            NaN/Inf in the same places; bit-identical where the op is only + - x\n"
           "            (\"exact\"); guard words around every tensor and all inputs untouched;\n"
           "            the products again in mixed precision where the device has it (%s)\n"
           "  training  %d steps from the same start and batches: every step's loss, recon and kl\n"
           "            within %g relative; parameters and Adam's moments after the last step\n"
           "            within normalized MSE %g; in mixed precision %g and %g (binary16 roundings\n"
           "            of values an ulp apart compound over the steps); the loss scale and the\n"
           "            skipped steps the same at every step\n\n",
           VAE_SELFTEST_OP_NMSE,
           be->mixed == VAE_MIXED_MATRIX ? "here: on matrix units"
           : be->mixed == VAE_MIXED_EMULATED ? "here: emulated in fp32 arithmetic"
                                             : "not here: fp32 only",
           o->steps, VAE_SELFTEST_LOSS_REL, VAE_SELFTEST_STATE_NMSE, VAE_SELFTEST_MIXED_LOSS_REL,
           VAE_SELFTEST_MIXED_STATE_NMSE);
}

static void on_op(void *ctx, const vae_selftest_op_result *r) {
    tally *t = ctx;
    t->checks++;
    t->passed += r->pass;
    const char *name = vae_op_name(r->op.kind);
    if (r->error[0]) {
        printf("%-32s %-27s FAIL: %s\n", name, r->sizes, r->error);
        return;
    }
    char specials[24] = "same", guards[24] = "ok";
    if (!r->nan_match)
        snprintf(specials, sizeof specials, "%zu DIFFER", r->diff.special_diff);
    if (!r->guards_ok)
        snprintf(guards, sizeof guards, "%zu HIT", r->changed_outside);
    const char *bits = !r->exact_expected ? "-" : r->exact_ok ? "exact" : "DIFFER";
    printf("%-32s %-27s %8.1e %9u %9.1e  %-8s %-7s %-6s %s\n", name, r->sizes, r->diff.nmse,
           r->diff.max_ulp, r->diff.max_abs, specials, guards, bits, r->pass ? "ok" : "FAIL");
    fflush(stdout);
}

static int run_ops(vae_backend *be, vae_backend *ref, tally *t) {
    printf("%-32s %-27s %8s %9s %9s  %-8s %-7s %-6s %s\n", "operation", "sizes", "nMSE", "max ulp",
           "max |err|", "NaN/Inf", "guards", "bits", "result");
    return vae_selftest_ops(be, ref, on_op, t);
}

static void print_state(const char *what, const vae_selftest_diff *d, vae_precision p, tally *t) {
    int ok = d->special_diff == 0 && d->nmse <= vae_selftest_state_nmse(p);
    t->checks++;
    t->passed += ok;
    printf("%-26s %8.1e %9u %9.1e  %s\n", what, d->nmse, d->max_ulp, d->max_abs, ok ? "ok" : "FAIL");
}

static void run_training(vae_backend *be, vae_backend *ref, const vae_selftest_train_options *o, tally *t) {
    static vae_selftest_train_result r;
    const vae_config *c = &o->cfg;
    long per_epoch = o->images / o->batch;
    printf("\ntraining in %s: widths %d,%d,%d,%d, latent %d, batch %d, %d steps over %ld synthetic faces "
           "(reshuffled every %ld steps),\n          flips on, beta 0 to 1 over %.0f steps, Adam lr %g%s\n",
           vae_precision_name(o->precision), c->channels[0], c->channels[1], c->channels[2], c->channels[3],
           c->latent, o->batch, o->steps, o->images, per_epoch, o->anneal_epochs * per_epoch, o->lr,
           o->precision == VAE_PRECISION_MIXED ? ", loss scale from 2^16" : "");
    printf("%4s %6s %15s %15s  %9s %9s %9s  %s\n", "step", "beta", "loss (device)", "loss (CPU)",
           "rel loss", "rel recon", "rel kl", "result");
    fflush(stdout);
    int status = vae_selftest_train(be, ref, o, &r);
    for (int s = 0; s < r.steps_run; s++) {
        const vae_selftest_step *st = &r.step[s];
        t->checks++;
        t->passed += st->pass;
        printf("%4d %6.3f %15.8g %15.8g  %9.1e %9.1e %9.1e  %s\n", s, st->beta, st->got.loss, st->ref.loss,
               st->rel[0], st->rel[1], st->rel[2], st->pass ? "ok" : "FAIL");
    }
    if (status != 0) {
        t->checks += o->steps - r.steps_run + 3; /* the steps not run and the final state fail */
        printf("FAIL: %s\n", r.error);
        return;
    }
    printf("\n%-26s %8s %9s %9s  %s\n", "after the last step", "nMSE", "max ulp", "max |err|", "result");
    print_state("parameters", &r.params, o->precision, t);
    print_state("Adam m (first moment)", &r.adam_m, o->precision, t);
    print_state("Adam v (second moment)", &r.adam_v, o->precision, t);
    printf("parameters more than lr apart: %zu (nonzero: Adam stepped those weights opposite ways\n"
           "on the two sides, because their gradient is within rounding of zero, or wrong)\n",
           r.params_apart);
}

/* The validation layer (VAEVK_VALIDATION=1) must have said nothing. */
static void validation_check(tally *t) {
    const char *on = getenv("VAEVK_VALIDATION");
    if (!on || strcmp(on, "1") != 0)
        return;
    int n = vae_vk_validation_messages();
    t->checks++;
    t->passed += n == 0;
    printf("\nvalidation layer: %d warnings/errors  %s\n", n, n ? "FAIL" : "ok");
}

/* The device to check: never the reference itself. -1 after one line. */
static int pick_device(const cli_device *opts, vae_device *d) {
    if (cli_device_parse("selftest", opts, d) != 0)
        return -1;
    *d = vae_device_resolve(*d);
    if (d->kind == VAE_DEVICE_REFERENCE) {
        fprintf(stderr, "vae-vk selftest: --device reference is what the selftest compares against: "
                        "give cpu or a Vulkan device index (vae-vk devices lists them)\n");
        return -1;
    }
    return 0;
}

int cmd_selftest(int argc, char **argv) {
    cli_device opts = {0};
    int quick = 0;
    arg_spec specs[] = {
        CLI_DEVICE_SPECS(&opts),
        {"quick", ARG_FLAG, &quick, 1, 0, "the op checks and a 5-step training run", 0},
    };
    int status = args_parse("selftest", "[--device cpu|N] [--threads N] [--precision fp32|mixed] [--quick]", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    vae_device dev;
    if (pick_device(&opts, &dev) != 0)
        return 2;
    char err[512];
    vae_backend *be = vae_device_open(dev, err, sizeof err);
    vae_backend *ref = be ? vae_reference_backend_create() : NULL;
    if (!ref) {
        fprintf(stderr, "vae-vk selftest: %s\n", be ? "out of memory creating the reference" : err);
        if (be)
            be->vt->destroy(be);
        return 1;
    }
    /* the training run in each precision the device has, or the one asked for */
    int want[2] = {1, be->mixed != VAE_MIXED_NONE};
    vae_precision only;
    if (opts.precision && cli_choose_precision("selftest", &opts, be, &only) != 0) {
        ref->vt->destroy(ref);
        be->vt->destroy(be);
        return 2;
    }
    if (opts.precision)
        want[VAE_PRECISION_FP32] = only == VAE_PRECISION_FP32, want[VAE_PRECISION_MIXED] = only == VAE_PRECISION_MIXED;
    vae_selftest_train_options o;
    vae_selftest_train_default(&o);
    if (quick)
        o.steps = QUICK_STEPS;
    print_header(be, &dev, &o);
    tally t = {0};
    run_ops(be, ref, &t);
    if (want[VAE_PRECISION_FP32])
        run_training(be, ref, &o, &t);
    o.precision = VAE_PRECISION_MIXED;
    if (want[VAE_PRECISION_MIXED])
        run_training(be, ref, &o, &t);
    ref->vt->destroy(ref);
    be->vt->destroy(be);
    validation_check(&t);
    printf("\n%d of %d checks passed: %s\n", t.passed, t.checks,
           t.passed == t.checks ? "this device computes what the reference computes"
                                : "this device does NOT agree with the reference");
    return t.passed == t.checks ? 0 : 1;
}
