/* The sweep page's answers to the seed's questions, from runs whose
 * numbers are made up here: each verdict follows from the measure it
 * states, and a question the grid cannot answer says what it lacks. */
#include <string.h>

#include "../common/check.h"
#include "viz/sweep.h"

static viz_sweep_run run(float beta, float anneal) {
    viz_sweep_run r = {.beta = beta, .anneal = anneal, .measured = 1, .L = 8, .active = 8, .qz_var = 1,
                       .recon_detail = 0.3, .recon_gap = 100, .sample_gap = 95, .gap_ratio = 0.95,
                       .sample_spread = 870, .sample_detail = 0.10, .val_step = 500, .val_recon = 362,
                       .val_kl = 85};
    return r;
}

/* The answer with this id, its tags kept (the verdicts are in <b>). */
static const char *answer(strbuf *b, const char *id, char *out, size_t len) {
    char key[64];
    snprintf(key, sizeof key, "id='%s'", id);
    const char *at = b->data ? strstr(b->data, key) : NULL, *end = at ? strstr(at, "</div>") : NULL;
    snprintf(out, len, "%.*s", at && end ? (int)(end - at) : 0, at ? at : "");
    return out;
}

static void unusable(const char *what, viz_sweep_run zero, const char *want) {
    viz_sweep_inputs in = {.n = 256, .L = 8, .face_spread = 3651, .face_detail = 1};
    viz_sweep_run runs[2] = {zero, run(1, 2)};
    strbuf b = {0};
    viz_sweep_answers(&b, &in, runs, 2);
    char text[4096], verdict[128];
    answer(&b, "answer-beta-0", text, sizeof text);
    snprintf(verdict, sizeof verdict, "Unusable samples: <b>%s</b>", want);
    CHECK(strstr(text, verdict) != NULL, "%s: \"%s\"", what, verdict);
    sb_free(&b);
}

int main(void) {
    viz_sweep_run zero = run(0, 0);
    zero.val_recon = 231;
    zero.qz_var = 8;
    viz_sweep_run blank = zero, alike = zero, far = zero, near = zero, same = zero;
    blank.sample_detail = 0.03; /* grey blobs: under half of beta 1's detail */
    unusable("samples that lost the faces' detail", blank, "yes");
    alike.sample_spread = 109; /* nearly all the same sample */
    unusable("samples nearly all alike", alike, "yes");
    far.gap_ratio = 2.5; /* far from every reconstruction */
    unusable("samples far from every reconstruction", far, "yes");
    near.gap_ratio = 1.06;
    unusable("samples a little farther, as detailed and diverse", near, "worse, though not by much");
    same.sample_detail = 0.12, same.sample_spread = 900, same.gap_ratio = 0.9;
    unusable("samples as good as beta 1's", same, "no");

    viz_sweep_inputs in = {.n = 256, .L = 8, .face_spread = 3651};
    viz_sweep_run only = run(1, 2);
    strbuf b = {0};
    viz_sweep_answers(&b, &in, &only, 1);
    char text[4096];
    CHECK(strstr(answer(&b, "answer-beta-0", text, sizeof text), "cannot answer") &&
              strstr(text, "add 0 to --beta") != NULL,
          "no beta 0 run: the page says which to add");
    CHECK(strstr(answer(&b, "answer-collapse", text, sizeof text), "cannot answer") != NULL,
          "no beta 1 run without a ramp: the collapse question is not answered");
    sb_free(&b);
    return failures ? 1 : 0;
}
