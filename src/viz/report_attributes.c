/* The report's check of what the latent dimensions learned on synthetic
 * faces: each top dimension's strongest attributes, and for each attribute
 * the dimension that follows it best. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vaevk/synthetic.h"
#include "viz/attributes.h"
#include "viz/report_page.h"

#define A SYNTH_NUM_ATTRIBUTES
#define SHOWN 3 /* attributes listed per dimension */

/* "+0.57" for a signed r, "0.57" for an angle's (unsigned) one. */
static void cell(strbuf *b, double r, int k) {
    sb_printf(b, viz_attribute_is_angle(k) ? "%.2f" : "%+.2f", r);
}

static void by_dimension(strbuf *b, const double *r, const int *order, const double *kl, int top) {
    sb_puts(b, "<table class='grid'>\n<tr><th>dimension</th><th>KL</th><th colspan='3'>attributes "
            "it follows most (r)</th></tr>\n");
    for (int i = 0; i < top; i++) {
        const double *row = r + (size_t)order[i] * A;
        int best[SHOWN] = {-1, -1, -1};
        for (int k = 0; k < A; k++)
            for (int j = 0; j < SHOWN; j++)
                if (best[j] < 0 || fabs(row[k]) > fabs(row[best[j]])) {
                    for (int m = SHOWN - 1; m > j; m--)
                        best[m] = best[m - 1];
                    best[j] = k;
                    break;
                }
        sb_printf(b, "<tr><td>z%d</td><td>%.2f</td>", order[i], kl[order[i]]);
        for (int j = 0; j < SHOWN; j++) {
            sb_printf(b, "<td>%s ", synth_attribute_name(best[j]));
            cell(b, row[best[j]], best[j]);
            sb_puts(b, "</td>");
        }
        sb_puts(b, "</tr>\n");
    }
    sb_puts(b, "</table>\n");
}

static void by_attribute(strbuf *b, const double *r, const double *kl, int L) {
    int dim[A], order[A];
    for (int k = 0; k < A; k++) {
        dim[k] = 0;
        for (int d = 1; d < L; d++)
            if (fabs(r[(size_t)d * A + k]) > fabs(r[(size_t)dim[k] * A + k]))
                dim[k] = d;
        order[k] = k;
    }
    for (int i = 1; i < A; i++) /* strongest first */
        for (int j = i; j > 0 && fabs(r[(size_t)dim[order[j]] * A + order[j]]) >
                                     fabs(r[(size_t)dim[order[j - 1]] * A + order[j - 1]]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    sb_puts(b, "<table class='grid'>\n<tr><th>attribute</th><th>best dimension</th><th>r</th>"
            "<th>its KL</th></tr>\n");
    for (int i = 0; i < A; i++) {
        int k = order[i], d = dim[k];
        sb_printf(b, "<tr><td>%s</td><td>z%d</td><td>", synth_attribute_name(k), d);
        cell(b, r[(size_t)d * A + k], k);
        sb_printf(b, "</td><td>%.2f</td></tr>\n", kl[d]);
    }
    sb_puts(b, "</table>\n");
}

void report_attribute_section(report_page *pg, const float *mu, int n, int L, const int *order,
                              const double *kl, int top) {
    double *r = malloc((size_t)L * A * sizeof *r);
    long *index = malloc((size_t)n * sizeof *index);
    strbuf *b = &pg->html;
    if (!r || !index || n < 3) {
        free(r);
        free(index);
        return; /* an optional section: nothing to say without it */
    }
    for (int i = 0; i < n; i++)
        index[i] = i;
    viz_attribute_correlations(r, mu, n, L, pg->o->seed, index);
    report_heading(pg, "attributes", "What the dimensions follow");
    sb_printf(b, "<p>The synthetic faces "
              "are drawn from known attributes. Correlation r over the %d images of the KL "
              "above between each dimension's \xce\xbc and each attribute; for the three angles "
              "(light, background and shirt hue) the correlation with the best direction on the "
              "circle, unsigned. With %d images, |r| below about %.2f is noise.</p>\n", n, n,
              2.0 / sqrt((double)n));
    by_dimension(b, r, order, kl, top < L ? top : L);
    sb_puts(b, "<p>For each attribute, the dimension that follows it most:</p>\n");
    by_attribute(b, r, kl, L);
    free(r);
    free(index);
}
