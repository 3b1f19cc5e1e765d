/* Twenty training steps on the fast CPU backend and on the reference in
 * lockstep (vae_selftest_train: widths 4,8,8,16, latent 8, batch 4, 32
 * faces reshuffled every epoch, flips on, beta ramping over 2 epochs, Adam
 * at lr 1e-3), with the bounds `vae-vk selftest` applies to any backend and
 * test_vk_train_agree justifies: every step's loss terms within 1e-5
 * relative, parameters and Adam's moments within normalized MSE 1e-8.
 *
 * Then the same run on 1 and on 3 threads, and with a batch of 7 (tiles
 * that do not divide), must give the same bits step for step: a resumed
 * run is exact whatever --threads it is given. And both again in mixed
 * precision, against the reference within the selftest's mixed bounds
 * (vaevk/selftest.h), and bit for bit across thread counts. */
#include "fast_check.h"

static int state_ok(const char *what, const vae_selftest_diff *d, int same_bits, double bound) {
    int ok = d->special_diff == 0 && (same_bits ? d->inexact == 0 : d->nmse <= bound);
    printf("%-4s %-22s nmse %.2e  max |err| %.2e  %zu inexact\n", ok ? "ok" : "FAIL", what, d->nmse, d->max_abs,
           d->inexact);
    return ok;
}

static int run(const char *what, vae_backend *a, vae_backend *b, const vae_selftest_train_options *o,
               int same_bits) {
    static vae_selftest_train_result r;
    int fails = 0;
    if (vae_selftest_train(a, b, o, &r) != 0 || r.steps_run != o->steps) {
        printf("FAIL %s: trained %d of %d steps: %s\n", what, r.steps_run, o->steps, r.error);
        return 1;
    }
    for (int s = 0; s < r.steps_run; s++) {
        const vae_selftest_step *st = &r.step[s];
        double worst = st->rel[0] > st->rel[1] ? st->rel[0] : st->rel[1];
        worst = st->rel[2] > worst ? st->rel[2] : worst;
        int ok = same_bits ? worst == 0 : worst <= vae_selftest_loss_rel(o->precision);
        fails += !ok;
        printf("%-4s %s step %2d beta %.4f  loss %.8g / %.8g  worst relative difference %.2e\n", ok ? "ok" : "FAIL",
               what, s, st->beta, st->got.loss, st->ref.loss, worst);
    }
    const double bound = vae_selftest_state_nmse(o->precision);
    fails += !state_ok("parameters", &r.params, same_bits, bound);
    fails += !state_ok("Adam m", &r.adam_m, same_bits, bound);
    fails += !state_ok("Adam v", &r.adam_v, same_bits, bound);
    printf("     %s: %zu parameters ended more than lr apart\n", what, r.params_apart);
    return fails;
}

int main(void) {
    vae_backend *ref = reference_open(), *fast = fast_open(0, "default");
    vae_backend *one = fast_open(1, "default"), *three = fast_open(3, "default");
    printf("backend: %s\n", fast->name);
    vae_selftest_train_options o;
    vae_selftest_train_default(&o);
    failures += run("fast vs reference", fast, ref, &o, 0);
    failures += run("1 vs 3 threads", one, three, &o, 1);
    o.precision = VAE_PRECISION_MIXED;
    failures += run("mixed, fast vs reference", fast, ref, &o, 0);
    failures += run("mixed, 1 vs 3 threads", one, three, &o, 1);
    o.precision = VAE_PRECISION_FP32;
    o.batch = 7;
    o.steps = 6;
    failures += run("1 vs 3 threads, batch 7", one, three, &o, 1);
    vae_backend *all[] = {ref, fast, one, three};
    for (int i = 0; i < 4; i++)
        all[i]->vt->destroy(all[i]);
    printf("%s: %d failures\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
