/* The seed's questions (section 9 and 7) answered from a sweep's numbers.
 * Each answer names the runs it compares and the measure it reads; a
 * question the grid cannot answer says which run it lacks. */
#include <math.h>
#include <stdio.h>

#include "viz/analysis.h"
#include "viz/sweep.h"

/* The measured run with this beta; of several, the one with the longest
 * ramp (the seed's recipe anneals), or with exactly `anneal` when >= 0. */
static const viz_sweep_run *find(const viz_sweep_run *runs, int n, float beta, float anneal) {
    const viz_sweep_run *best = NULL;
    for (int i = 0; i < n; i++) {
        const viz_sweep_run *r = &runs[i];
        if (!r->measured || r->beta != beta || (anneal >= 0 && r->anneal != anneal))
            continue;
        if (!best || r->anneal > best->anneal)
            best = r;
    }
    return best;
}

/* The measured run with the largest beta above 1. */
static const viz_sweep_run *find_largest(const viz_sweep_run *runs, int n) {
    const viz_sweep_run *best = NULL;
    for (int i = 0; i < n; i++)
        if (runs[i].measured && runs[i].beta > 1 && (!best || runs[i].beta > best->beta ||
                                                     (runs[i].beta == best->beta && runs[i].anneal > best->anneal)))
            best = &runs[i];
    return best;
}

/* "β = 1 (ramp 3 epochs)" */
static void label(char *out, size_t len, const viz_sweep_run *r) {
    if (r->anneal > 0)
        snprintf(out, len, "\xce\xb2 = %g (ramp %g epoch%s)", (double)r->beta, (double)r->anneal,
                 r->anneal == 1 ? "" : "s");
    else
        snprintf(out, len, "\xce\xb2 = %g (no ramp)", (double)r->beta);
}

static void question(strbuf *b, const char *id, const char *q) {
    sb_printf(b, "<div class='answer' id='%s'><p><b>%s</b></p>\n", id, q);
}

/* recon error: validation when both runs have it */
static int has_val(const viz_sweep_run *a, const viz_sweep_run *c) { return a->val_step > 0 && c->val_step > 0; }

static void beta_zero(strbuf *b, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n) {
    question(b, "answer-beta-0", "Does \xce\xb2 = 0 give sharper reconstructions and unusable samples?");
    const viz_sweep_run *zero = find(runs, n, 0, -1), *one = find(runs, n, 1, -1);
    if (!zero || !one) {
        sb_printf(b, "<p>The grid cannot answer: it has no %s run to compare (add %s to --beta).</p></div>\n",
                  zero ? "\xce\xb2 = 1" : "\xce\xb2 = 0", zero ? "1" : "0");
        return;
    }
    char z[64], o[64];
    label(z, sizeof z, zero);
    label(o, sizeof o, one);
    if (has_val(zero, one))
        sb_printf(b, "<p>Sharper: <b>%s</b>: validation reconstruction error %.1f at %s against %.1f at %s; "
                  "the reconstructions keep %.0f%% of the held-out faces' pixel-to-pixel detail against "
                  "%.0f%%.</p>\n", zero->val_recon < one->val_recon ? "yes" : "no", zero->val_recon, z,
                  one->val_recon, o, 100 * zero->recon_detail, 100 * one->recon_detail);
    else
        sb_printf(b, "<p>Sharper: the runs have no validation rows (val.csv) to compare; the reconstructions "
                  "keep %.0f%% of the faces' detail at %s against %.0f%% at %s.</p>\n",
                  100 * zero->recon_detail, z, 100 * one->recon_detail, o);
    /* Unusable: samples that lost the faces' detail, or that are nearly all
     * alike, or that land far from every reconstruction; each against β = 1. */
    double r0 = zero->gap_ratio, r1 = one->gap_ratio;
    int blank = zero->sample_detail < 0.5 * one->sample_detail;
    int alike = zero->sample_spread < 0.5 * one->sample_spread;
    int far = isfinite(r0) && isfinite(r1) && r0 > 2 * r1;
    int worse = zero->sample_detail < one->sample_detail || zero->sample_spread < one->sample_spread ||
                (isfinite(r0) && isfinite(r1) && r0 > r1);
    const char *verdict = blank || alike || far ? "yes" : worse ? "worse, though not by much" : "no";
    sb_printf(b, "<p>Unusable samples: <b>%s</b>: the samples at %s keep %.0f%% of the held-out faces' "
              "pixel-to-pixel detail against %.0f%% at %s, and two of them lie %.1f apart against %.1f "
              "(two held-out faces: %.1f)", verdict, z, 100 * zero->sample_detail, 100 * one->sample_detail,
              o, zero->sample_spread, one->sample_spread, in->face_spread);
    if (isfinite(r0) && isfinite(r1))
        sb_printf(b, "; a sample lies %.2f times as far from the nearest of the model's reconstructions of "
                  "held-out faces as those lie from each other, against %.2f times", r0, r1);
    sb_printf(b, ". The codes of real faces spread %.3g per dimension at \xce\xb2 = 0 (the prior, where "
              "samples are drawn: 1)%s.</p></div>\n", zero->qz_var,
              zero->qz_var > 2 ? ", so prior draws fall in the middle of the codes rather than among them" : "");
}

static void beta_large(strbuf *b, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n) {
    question(b, "answer-beta-large", "Does a large \xce\xb2 (the seed's 10) blur reconstructions and change "
             "sample diversity?");
    const viz_sweep_run *one = find(runs, n, 1, -1), *big = find_largest(runs, n);
    if (!one || !big) {
        sb_printf(b, "<p>The grid cannot answer: it has no %s run (add %s to --beta).</p></div>\n",
                  one ? "\xce\xb2 > 1" : "\xce\xb2 = 1", one ? "10" : "1");
        return;
    }
    char g[64], o[64];
    label(g, sizeof g, big);
    label(o, sizeof o, one);
    int blurrier = big->recon_detail < one->recon_detail;
    if (has_val(big, one))
        sb_printf(b, "<p>Blur: <b>%s</b>: validation reconstruction error %.1f at %s against %.1f at %s; the "
                  "reconstructions keep %.0f%% of the held-out faces' pixel-to-pixel detail against "
                  "%.0f%%.</p>\n", blurrier && big->val_recon > one->val_recon ? "yes" : blurrier ? "blurrier, "
                  "though no worse in error" : "no", big->val_recon, g, one->val_recon, o,
                  100 * big->recon_detail, 100 * one->recon_detail);
    else
        sb_printf(b, "<p>Blur: <b>%s</b>: the reconstructions keep %.0f%% of the faces' detail at %s against "
                  "%.0f%% at %s.</p>\n", blurrier ? "yes" : "no", 100 * big->recon_detail, g,
                  100 * one->recon_detail, o);
    double change = one->sample_spread > 0 ? big->sample_spread / one->sample_spread - 1 : NAN;
    sb_printf(b, "<p>Sample diversity: ");
    if (isfinite(change))
        sb_printf(b, "<b>%s</b> by %.0f%%: ", change > 0 ? "more" : "less", 100 * fabs(change));
    sb_printf(b, "the mean squared distance between two samples is %.1f at %s against %.1f at %s (between two "
              "held-out faces: %.1f). The seed expected more diverse samples; %s. At %s the codes' q(z) spreads "
              "%.3g per dimension (the prior: 1).</p></div>\n", big->sample_spread, g, one->sample_spread, o,
              in->face_spread, big->sample_spread > one->sample_spread ? "so it held" : "it did not hold here", g,
              big->qz_var);
}

static void collapse(strbuf *b, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n) {
    question(b, "answer-collapse", "Does \xce\xb2 = 1 from the first step, with no annealing, collapse the "
             "posterior?");
    const viz_sweep_run *cold = find(runs, n, 1, 0), *warm = find(runs, n, 1, -1);
    if (warm && warm->anneal <= 0)
        warm = NULL;
    if (!cold) {
        sb_printf(b, "<p>The grid cannot answer: it has no \xce\xb2 = 1 run without a ramp (add 1 to --beta "
                  "and 0 to --anneal-epochs).</p></div>\n");
        return;
    }
    sb_printf(b, "<p>Measure: a latent dimension is active when the variance of its \xce\xbc over the %d "
              "held-out faces exceeds %g; a collapsed one encodes every face alike.</p>\n<p>", in->n,
              VIZ_ACTIVE_VAR);
    if (warm) {
        const char *verdict = cold->active == 0 ? "yes, completely" : cold->active < warm->active ? "partly"
                                                                                                  : "no";
        sb_printf(b, "<b>%s</b>: %d of %d dimensions stay active without annealing against %d with a "
                  "%g-epoch ramp", verdict, cold->active, cold->L, warm->active, (double)warm->anneal);
        if (has_val(cold, warm))
            sb_printf(b, "; validation KL %.1f against %.1f nats, reconstruction error %.1f against %.1f",
                      cold->val_kl, warm->val_kl, cold->val_recon, warm->val_recon);
        sb_puts(b, warm->active == 0 ? "; the annealed run has no active dimension either, so the runs are "
                   "too short or too small to tell.</p></div>\n" : ".</p></div>\n");
    } else {
        sb_printf(b, "<b>%s</b>: %d of %d dimensions stay active without annealing. The grid has no "
                  "\xce\xb2 = 1 run with a ramp to compare with (add 3 to --anneal-epochs).</p></div>\n",
                  cold->active == 0 ? "yes, completely" : "not completely", cold->active, cold->L);
    }
}

void viz_sweep_answers(strbuf *b, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n) {
    beta_zero(b, in, runs, n);
    beta_large(b, in, runs, n);
    collapse(b, in, runs, n);
}
