/* The report's analysis of the model (viz/analysis.h) on held-out images:
 * the KL term decomposed, the active units, the held-out likelihood
 * bounds, the prior holes and the marbles in the bell, each with what it
 * shows and what to look for. Sized to take seconds on the CPU backend. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vaevk/dataset.h"
#include "viz/analysis.h"
#include "viz/marbles.h"
#include "viz/report_page.h"

/* The report runs at the end of every train: about two seconds of CPU
 * for the full model, most of it the bounds' 8 x 32 decodings. */
#define REPORT_IMAGES 256      /* components of q(z); KL: 256 x 2 draws x 3 repeats */
#define REPORT_IWAE_IMAGES 8
static const int report_k[] = {1, 8, 32};
#define HOLES_SHOWN 8
#define HOLES_COLS 4
#define MARBLES_SIZE 560

/* "v ± se", or v alone when se is not known. */
static void estimate(strbuf *b, double v, double se, const char *fmt) {
    sb_printf(b, fmt, v);
    if (isfinite(se))
        sb_printf(b, " ± %.2g", se);
}

static void kl_section(report_page *pg, const viz_analysis *a) {
    const viz_kl_split *s = &a->kl;
    strbuf *b = &pg->html;
    report_heading(pg, "kl-decomposition", "The KL term, decomposed");
    sb_printf(b, "<p>The loss's KL term averaged over %d %s splits into two parts, "
              "E<sub>x</sub>[KL(q(z|x) ‖ p)] = I(x; z) + KL(q(z) ‖ p): what z tells about the "
              "image, and how far the aggregate posterior q(z) = (1/N) Σ<sub>n</sub> q(z|x<sub>n</sub>) "
              "is from the prior N(0, I). Estimated from %d draws of z from each q(z|x), %d times "
              "over: I = mean[log q(z|x) − log q(z)], KL(q(z) ‖ p) = mean[log q(z) − log p(z)], "
              "log q(z) a log-sum-exp over the N = %d Gaussians. ± is the standard error of the "
              "mean; the spread is the standard deviation of the %d repeats.</p>\n",
              s->n, a->held_out ? "held-out images" : "training images", s->samples, s->repeats,
              s->n, s->repeats);
    sb_puts(b, "<table class='grid' id='table-kl-decomposition'>\n<tr><th></th><th>nats</th>"
            "<th>spread</th></tr>\n<tr><td>E[KL(q(z|x) ‖ p)], closed form (the loss's term)</td>"
            "<td>");
    sb_printf(b, "%.3f</td><td></td></tr>\n<tr><td>I(x; z), at most log N = %.3f</td><td>",
              s->kl, s->log_n);
    estimate(b, s->mi.mean, s->mi.se, "%.3f");
    sb_printf(b, "</td><td>%.2g</td></tr>\n<tr><td>KL(q(z) ‖ p)</td><td>", s->mi.spread);
    estimate(b, s->agg_kl.mean, s->agg_kl.se, "%.3f");
    sb_printf(b, "</td><td>%.2g</td></tr>\n<tr><td>their sum</td><td>", s->agg_kl.spread);
    estimate(b, s->sum.mean, s->sum.se, "%.3f");
    sb_printf(b, "</td><td>%.2g</td></tr>\n</table>\n", s->sum.spread);
    double z = (s->sum.mean - s->kl) / s->sum.se;
    sb_printf(b, "<p>The identity %s: the sum differs from the closed form by %.3g nats, %.1f "
              "standard errors (within 3 is expected of a sound estimate). Look for: I near "
              "log N means the posteriors barely overlap, so I is capped by N and more images "
              "would show more; a large KL(q(z) ‖ p) means the marbles do not fill the bell, and "
              "samples from the prior land where no image was encoded.</p>\n",
              viz_kl_identity_holds(s) ? "holds" : "does not hold", s->sum.mean - s->kl, z);
    if (s->mi.mean > 0.99 * s->log_n)
        sb_printf(b, "<p>Here I is at its ceiling log N: with %d images the posteriors hardly "
                  "overlap, so the estimate says only that I is at least %.2f nats, and "
                  "KL(q(z) ‖ p) is that of a mixture of %d separate marbles, more than the "
                  "aggregate of all the data would show.</p>\n", s->n, s->mi.mean, s->n);
    sb_printf(b, "<p id='active-units'><b>Active units: %d of %d</b> dimensions have "
              "Var<sub>x</sub>(E[z|x]) = the variance over the images of μ above %g, the measure "
              "of the posterior-collapse literature. The others carry (almost) nothing about the "
              "image: their μ stays put and the decoder learns to ignore them.</p>\n", a->active,
              a->L, VIZ_ACTIVE_VAR);
}

static void likelihood_section(report_page *pg, const viz_analysis *a) {
    const viz_iwae *w = &a->iwae;
    strbuf *b = &pg->html;
    report_heading(pg, "likelihood", "Held-out likelihood: ELBO and importance-weighted bounds");
    sb_printf(b, "<p>In nats per image over %d held-out images, under the Gaussian decoder the "
              "summed squared error implies: p(x|z) = N(x̂(z), σ² I) with σ² = %g over the "
              "12288 values in [−1, 1], so −log p(x|z) = the squared error + %.1f. The loss at "
              "β = 1 is −ELBO − %.1f. IWAE<sub>k</sub> = E[log (1/k) Σ<sub>i</sub> "
              "p(x|z<sub>i</sub>) p(z<sub>i</sub>) / q(z<sub>i</sub>|x)], z<sub>i</sub> ~ q(z|x), "
              "from %d draws per image split into groups of k (the largest k is one group per "
              "image, so it has no standard error).</p>\n", w->n, VIZ_DECODER_VAR,
              w->log_px_const, w->log_px_const, w->draws);
    sb_puts(b, "<table class='grid' id='table-likelihood'>\n<tr><th></th><th>nats per image</th>"
            "<th>above the ELBO</th></tr>\n<tr><td>ELBO</td><td>");
    estimate(b, w->elbo, w->elbo_se, "%.2f");
    sb_printf(b, "</td><td></td></tr>\n");
    for (int j = 0; j < w->nk; j++) {
        sb_printf(b, "<tr><td>IWAE, k = %d</td><td>", w->k[j]);
        estimate(b, w->bound[j], w->bound_se[j], "%.2f");
        sb_printf(b, "</td><td>%.3f</td></tr>\n", w->bound[j] - w->elbo);
    }
    sb_printf(b, "</table>\n<p>(The squared error was %.2f and the KL %.2f.) Look for: k = 1 "
              "matches the ELBO within its error; the bound rises with k, and how much it rises "
              "is how loose the ELBO is, the part of log p(x) the encoder's Gaussian "
              "misses.</p>\n", w->recon, w->kl);
}

static int holes_section(report_page *pg, const viz_analysis *a, char *err, size_t errlen) {
    const viz_holes *h = &a->holes;
    viz_canvas c = {0};
    if (viz_holes_picture(pg->t, h, HOLES_SHOWN, HOLES_COLS, &c, err, errlen) != 0)
        return -1;
    report_heading(pg, "holes", "Prior holes");
    sb_printf(&pg->html, "<p>%d draws z ~ N(0, I), scored by log q(z) under the aggregate "
              "posterior of the %d images; the %d most covered (left, best first) and the %d "
              "least covered (right, worst first), decoded. log q(z) runs from %.1f to %.1f "
              "nats (standard deviation %.1f, against %.1f for log p(z): the ranking is by how "
              "near the draws come to the encoded images, %s by their distance from the origin); "
              "KL(p ‖ q(z)) = mean[log p(z) − log q(z)] = %.1f ± %.1f nats measures how much of the "
              "prior q leaves uncovered (for a mixture of only N images, so it falls as N grows). "
              "Look for: the seed says the worst samples come from the holes; if the right-hand "
              "faces are the odd ones, that holds for this model.</p>\n", h->count, a->n,
              HOLES_SHOWN, HOLES_SHOWN, h->log_q[h->order[h->count - 1]], h->log_q[h->order[0]],
              h->log_q_sd, h->log_p_sd, h->log_q_sd > 3 * h->log_p_sd ? "hardly" : "partly",
              h->kl_pq, h->kl_pq_se);
    int status = report_embed_canvas(pg, "img-holes", "decoded prior draws: the most covered by "
                                     "the aggregate posterior, and beside them the least covered",
                                     &c, 2, err, errlen);
    viz_canvas_free(&c);
    return status;
}

static void marbles_section(report_page *pg, const viz_analysis *a) {
    int dx = a->order[0], dy = a->L > 1 ? a->order[1] : a->order[0];
    report_heading(pg, "marbles", "Marbles in the bell");
    sb_printf(&pg->html, "<p>The seed's picture, drawn from this model: each of the %d images' "
              "posterior q(z|x) in the two dimensions with the most KL, z%d and z%d, as an "
              "ellipse μ ± σ; the dashed circles are the prior N(0, 1) at 1, 2 and 3 σ. Look for: "
              "small marbles spread over the bell, filling it; empty patches inside the 2σ circle "
              "are holes, marbles as big as the bell are collapsed dimensions.</p>\n", a->n, dx, dy);
    viz_marbles_svg(&pg->html, "svg-marbles", a->mu, a->log_var, a->n, a->L, dx, dy,
                    a->kl_dim[dx], a->kl_dim[dy], MARBLES_SIZE);
}

int report_analysis_sections(report_page *pg, char *err, size_t errlen) {
    const vae_train_options *o = pg->o;
    vae_data_options dopt;
    vae_data_options_default(&dopt);
    dopt.crop = o->crop;
    vae_dataset *ds = NULL;
    char why[800];
    if (vae_dataset_open_with(o->data, &dopt, o->synthetic_count, o->seed, &ds, why,
                              sizeof why) != 0) {
        report_heading(pg, "kl-decomposition", "The KL term, decomposed");
        sb_puts(&pg->html, "<p>No analysis of the model: ");
        sb_escape(&pg->html, why);
        sb_puts(&pg->html, "</p>\n");
        return 0;
    }
    if (!ds->unbounded && ds->count < 2) {
        report_heading(pg, "kl-decomposition", "The KL term, decomposed");
        sb_printf(&pg->html, "<p>No analysis of the model: it needs two or more images, and the "
                  "data has %ld.</p>\n", ds->count);
        vae_dataset_close(ds);
        return 0;
    }
    viz_analysis_options ao;
    viz_analysis_defaults(&ao);
    ao.n = REPORT_IMAGES;
    ao.iwae_images = REPORT_IWAE_IMAGES;
    ao.nk = (int)(sizeof report_k / sizeof report_k[0]);
    memcpy(ao.k, report_k, sizeof report_k);
    viz_analysis a;
    int status = viz_analyze(pg->t, ds, o, &ao, NULL, NULL, &a, err, errlen);
    if (status == 0) {
        kl_section(pg, &a);
        likelihood_section(pg, &a);
        status = holes_section(pg, &a, err, errlen);
        if (status == 0)
            marbles_section(pg, &a);
    }
    viz_analysis_free(&a);
    vae_dataset_close(ds);
    return status;
}
