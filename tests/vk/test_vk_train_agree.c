/* Twenty training steps on the Vulkan backend and on the CPU reference, in
 * lockstep through vae_selftest_train: widths 4,8,8,16, latent 8, batch 4,
 * 32 synthetic faces reshuffled every epoch (2.5 epochs), flips on, beta
 * ramping from 0 to 1 over 2 epochs, Adam at lr 1e-3, same seed.
 *
 * Bounds (vaevk/selftest.h):
 *   - every step's loss, recon and kl within 1e-5 relative: each op agrees
 *     to ~1e-14 normalized MSE (test_vk_ops), so the loss terms of the first
 *     step agree to ~1e-7, and the parameters drift apart only by what
 *     Adam makes of gradient rounding over 20 steps;
 *   - parameters and both Adam moments after the last step within
 *     normalized MSE 1e-8. Adam's early steps move every weight by about
 *     ±lr whatever its gradient's size, so a weight whose gradient is within
 *     rounding of zero could step 2·lr apart on the two backends. Σp² is
 *     about 125 here, so one such weight adds (2e-3)²/125 = 3.2e-8: the
 *     bound allows none. Measured on lavapipe: none; the largest |Δp| is
 *     about 1e-3·lr (nMSE ~1e-14). The gradients whose rounding matters are
 *     of size 1e-9..1e-7, near Adam's eps (1e-8), which damps their updates
 *     to lr·g/(|g|+eps): their 1-20% relative differences move a weight by
 *     at most a few percent of lr. The test prints how many weights ended
 *     more than lr apart, so a failure of that kind shows for what it is.
 *   - the kl term is the most sensitive: near initialisation it is a small
 *     sum of ½(mu² + e^lv - 1 - lv) ≈ ½mu² + ¼lv² with mu, lv near 0, so
 *     tiny parameter differences show as ~1e-7 relative in it (up to 2.5e-6
 *     in a 4x wider model), against ~1 ulp (7e-8) for loss and recon.
 */
#include "vk_check.h"

#include "vaevk/selftest.h"

#define STEPS 20
#define LOSS_REL 1e-5
#define STATE_NMSE 1e-8

static int state_ok(const char *what, const vae_selftest_diff *d) {
    int ok = d->nmse <= STATE_NMSE && d->special_diff == 0;
    printf("%-4s %-22s nmse %.2e  max |err| %.2e  max %u ulp  %zu inexact  %zu NaN/Inf differ\n",
           ok ? "ok" : "FAIL", what, d->nmse, d->max_abs, d->max_ulp, d->inexact, d->special_diff);
    return ok;
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    vae_selftest_train_options o;
    vae_selftest_train_default(&o);
    int fails = 0;
    static vae_selftest_train_result r;
    if (o.steps != STEPS || vae_selftest_train(gpu, cpu, &o, &r) != 0 || r.steps_run != STEPS) {
        printf("FAIL training %d steps (default %d): %s\n", r.steps_run, o.steps, r.error);
        fails++;
    }
    for (int s = 0; s < r.steps_run; s++) {
        const vae_selftest_step *st = &r.step[s];
        int ok = st->pass && st->rel[0] <= LOSS_REL && st->rel[1] <= LOSS_REL && st->rel[2] <= LOSS_REL;
        fails += !ok;
        printf("%-4s step %2d beta %.4f  loss gpu %.8g cpu %.8g  rel diff loss %.2e recon %.2e kl %.2e\n",
               ok ? "ok" : "FAIL", s, st->beta, st->got.loss, st->ref.loss, st->rel[0], st->rel[1], st->rel[2]);
    }
    if (r.steps_run == STEPS) {
        fails += !state_ok("parameters", &r.params);
        fails += !state_ok("Adam m", &r.adam_m);
        fails += !state_ok("Adam v", &r.adam_v);
        printf("     largest relative loss-term difference %.2e; %zu parameters ended more than lr "
               "(%g) apart\n", r.max_rel, r.params_apart, o.lr);
        if (!r.pass && !fails) {
            printf("FAIL the selftest failed the run where this test did not\n");
            fails++;
        }
    }
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
