/* The visualisation library without a model: the font, the image loader,
 * paths between codes, per-dimension KL and its ranking, base64, the CSV
 * reader, traversal offsets and picture sizes, the SVG plots, the random
 * pairs, correlations with the synthetic faces' attributes, pictures side
 * by side under headings, and sessions.csv with the durations it sums to. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "io/image.h"
#include "vaevk/dataset.h"
#include "vaevk/synthetic.h"
#include "viz/attributes.h"
#include "viz/canvas.h"
#include "viz/csv_table.h"
#include "viz/font.h"
#include "viz/image_file.h"
#include "viz/latent.h"
#include "viz/panels.h"
#include "viz/run_sessions.h"
#include "viz/strbuf.h"
#include "viz/svg_plot.h"
#include "viz/traverse.h"

static void test_font(void) {
    const char *need = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZz.-+:=/%";
    int missing = 0, same = 0, empty = 0;
    for (const char *c = need; *c; c++) {
        int ink = 0;
        for (int r = 0; r < FONT_H; r++)
            for (int k = 0; k < FONT_W; k++)
                ink += font_pixel(*c, r, k);
        missing += !font_has_glyph(*c);
        empty += ink == 0;
        for (const char *d = need; d < c; d++) {
            int differ = 0;
            for (int r = 0; r < FONT_H; r++)
                for (int k = 0; k < FONT_W; k++)
                    differ |= font_pixel(*c, r, k) != font_pixel(*d, r, k);
            same += !differ;
        }
    }
    CHECK(missing == 0 && empty == 0 && same == 0,
          "%d glyphs: %d missing, %d without ink, %d pairs drawn the same", (int)strlen(need),
          missing, empty, same);
    CHECK(font_pixel('k', 0, 0) == font_pixel('K', 0, 0) && !font_has_glyph('#'),
          "lowercase other than z draws as capitals; '#' has no glyph");
    CHECK(font_text_width("z12", 2) == (3 * FONT_ADVANCE - 1) * 2 && font_text_width("", 3) == 0,
          "width of 'z12' at scale 2: %d (want %d)", font_text_width("z12", 2),
          (3 * FONT_ADVANCE - 1) * 2);
    /* drawn at scale 2 in a 40x20 picture: ink exactly where the glyphs say,
     * and drawing across the edge neither writes outside nor crashes */
    uint8_t img[20 * 40 * 3] = {0};
    const uint8_t white[3] = {255, 255, 255};
    font_draw(img, 40, 20, 1, 2, "z7", 2, white);
    font_draw(img, 40, 20, 35, 15, "88", 2, white);
    font_draw(img, 40, 20, -9, -9, "8", 2, white);
    int wrong = 0;
    for (int y = 0; y < 14; y++)
        for (int x = 0; x < 23; x++) {
            int k = x / (FONT_ADVANCE * 2), col = (x % (FONT_ADVANCE * 2)) / 2;
            int want = col < FONT_W && font_pixel("z7"[k], y / 2, col);
            wrong += (img[((y + 2) * 40 + x + 1) * 3] == 255) != want;
        }
    CHECK(wrong == 0, "'z7' at scale 2: %d pixels differ from the glyph table", wrong);
}

static void fill_random(uint8_t *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (uint8_t)(seed >> 24);
    }
}

/* The loader is src/data's decoder; here only that a file reaches the
 * model unchanged when it is already 64x64, and that failures name it. */
static void test_image_file(void) {
    char dir[] = "/tmp/vaevk-viz-XXXXXX", path[128], err[600];
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp failed");
        return;
    }
    snprintf(path, sizeof path, "%s/in.png", dir);
    uint8_t in[64 * 64 * 3], a[64 * 64 * 3];
    fill_random(in, sizeof in, 3);
    int wrote = png_write_rgb(path, in, 64, 64, err, sizeof err) == 0;
    int loaded = wrote && image_file_load(path, VAE_CROP_AUTO, a, err, sizeof err) == 0;
    CHECK(loaded && memcmp(a, in, sizeof a) == 0, "a 64x64 PNG loads unchanged (bitwise)");
    remove(path);
    snprintf(path, sizeof path, "%s/missing.png", dir);
    int rc = image_file_load(path, VAE_CROP_AUTO, a, err, sizeof err);
    CHECK(rc == -1 && strstr(err, path) != NULL && !strchr(err, '\n'),
          "a missing file: %d, one line naming it: \"%s\"", rc, err);
    rmdir(dir);
}

static void test_interpolate(void) {
    enum { L = 5, STEPS = 7 };
    float a[L] = {1.5f, -2, 0.25f, 3, -0.5f}, b[L] = {-1, 0.75f, 2, -0.125f, 1}, z[STEPS * L];
    for (int slerp = 0; slerp < 2; slerp++) {
        viz_interpolate(z, a, b, L, STEPS, slerp);
        CHECK(memcmp(z, a, sizeof a) == 0 && memcmp(z + (STEPS - 1) * L, b, sizeof b) == 0,
              "%s: the first point is a and the last is b, bitwise", slerp ? "slerp" : "lerp");
    }
    viz_interpolate(z, a, b, L, STEPS, 0);
    double worst = 0;
    /* t = 1/2 at j = 3: exact in double, then one rounding to float, at most
     * half an ulp (1.2e-7) for |x| < 4 */
    for (int d = 0; d < L; d++)
        worst = fmax(worst, fabs(z[3 * L + d] - 0.5 * (a[d] + b[d])));
    CHECK(worst <= 1.2e-7, "lerp midpoint within half a float ulp (1.2e-7) of (a+b)/2: %.2e", worst);
    /* unit vectors 90 degrees apart: slerp keeps the norm and equal angles */
    float u[2] = {1, 0}, v[2] = {0, 1}, w[5 * 2];
    viz_interpolate(w, u, v, 2, 5, 1);
    double norm_err = 0, angle_err = 0;
    for (int j = 0; j < 5; j++) {
        norm_err = fmax(norm_err, fabs(hypot(w[2 * j], w[2 * j + 1]) - 1));
        angle_err = fmax(angle_err, fabs(atan2(w[2 * j + 1], w[2 * j]) - j * acos(-1.0) / 8));
    }
    /* weights and sums in double, each coordinate rounded once to float
     * (relative 2^-24): norm and angle move by less than 2^-23 = 1.2e-7 */
    CHECK(norm_err < 1.2e-7 && angle_err < 1.2e-7, "slerp on the unit circle: norm off by %.1e, "
          "angle off by %.1e (both < 1.2e-7)", norm_err, angle_err);
    float p[2] = {1, 2}, q[2] = {2, 4}, line[3 * 2], arc[3 * 2];
    viz_interpolate(line, p, q, 2, 3, 0);
    viz_interpolate(arc, p, q, 2, 3, 1);
    CHECK(memcmp(line, arc, sizeof line) == 0, "parallel codes: slerp falls back to the line");
}

static void test_kl_rank(void) {
    /* mu = 0, lv = 0: 0; mu = 1, lv = 0: 0.5; mu = 0, lv = ln 2: (1 - ln 2) / 2 */
    const float ln2 = (float)log(2.0);
    float mu[2 * 3] = {0, 1, 0, 0, 1, 0}, lv[2 * 3] = {0, 0, ln2, 0, 0, ln2};
    double kl[3];
    viz_kl_per_dim(kl, mu, lv, 2, 3);
    double want2 = -0.5 * (1 + (double)(float)log(2.0) - exp((double)(float)log(2.0)));
    CHECK(kl[0] == 0 && fabs(kl[1] - 0.5) < 1e-15 && fabs(kl[2] - want2) < 1e-15,
          "per-dimension KL: %.17g %.17g %.17g (want 0, 0.5, %.17g, to 1e-15: double rounding)",
          kl[0], kl[1], kl[2], want2);
    double v[6] = {0.1, 3, 2, 3, 0, 2};
    int order[6], want[6] = {1, 3, 2, 5, 0, 4};
    viz_rank_dims(order, v, 6);
    CHECK(memcmp(order, want, sizeof want) == 0, "ranking by KL, ties by index: %d %d %d %d %d %d",
          order[0], order[1], order[2], order[3], order[4], order[5]);
}

/* Codes built from the attributes themselves: each dimension must find
 * its attribute with r = 1 (a sign flip gives -1, an angle's cosine 1). */
static void test_attributes(void) {
    enum { N = 300, L = 3 };
    const int A = SYNTH_NUM_ATTRIBUTES;
    int skin = -1, hue = -1, glasses = -1;
    for (int k = 0; k < A; k++) {
        const char *name = synth_attribute_name(k);
        skin = strcmp(name, "skin_tone") == 0 ? k : skin;
        hue = strcmp(name, "background_hue") == 0 ? k : hue;
        glasses = strcmp(name, "glasses") == 0 ? k : glasses;
    }
    float *mu = test_alloc((size_t)N * L * sizeof *mu);
    long index[N];
    double *r = test_alloc((size_t)L * A * sizeof *r);
    for (int i = 0; i < N; i++) {
        synth_attributes a;
        index[i] = 1000 + i;
        synth_attributes_draw(&a, 5, (uint32_t)index[i]);
        mu[i * L] = 3 * a.skin_tone - 1;
        mu[i * L + 1] = (float)cos(2 * acos(-1.0) * a.background_hue + 0.7);
        mu[i * L + 2] = -a.glasses;
    }
    viz_attribute_correlations(r, mu, N, L, 5, index);
    /* the codes' float rounding (relative 6e-8) moves r only to second
     * order (~1e-15), as do the double sums: 1e-12 leaves room for both */
    double e0 = fabs(r[skin] - 1), e1 = fabs(r[A + hue] - 1), e2 = fabs(r[2 * A + glasses] + 1);
    CHECK(viz_attribute_is_angle(hue) && !viz_attribute_is_angle(skin) && e0 < 1e-12 &&
          e1 < 1e-12 && e2 < 1e-12, "r(skin_tone) %.9f, r(background_hue, an angle) %.9f, "
          "r(glasses, negated) %.9f (want 1, 1, -1 to 1e-12; off by %.1e %.1e %.1e)", r[skin], r[A + hue],
          r[2 * A + glasses], e0, e1, e2);
    double others = 0;
    for (int k = 0; k < A; k++)
        if (k != skin)
            others = fmax(others, fabs(r[k]));
    /* independent uniforms over 300 faces: |r| ~ 1/sqrt(300) = 0.06; 0.25 is over 4 sigma */
    CHECK(others < 0.25, "skin_tone's code against the other attributes: largest |r| %.3f "
          "(< 0.25, independent draws)", others);
    free(mu);
    free(r);
}

static void test_base64(void) {
    /* RFC 4648 section 10 test vectors */
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    int bad = 0;
    for (int i = 0; i < 7; i++) {
        strbuf b = {0};
        sb_base64(&b, (const uint8_t *)in[i], strlen(in[i]));
        bad += strcmp(b.data ? b.data : "", out[i]) != 0;
        sb_free(&b);
    }
    CHECK(bad == 0, "base64 of the RFC 4648 vectors: %d wrong", bad);
    strbuf b = {0};
    sb_escape(&b, "a<b & \"c\">");
    CHECK(strcmp(b.data, "a&lt;b &amp; &quot;c&quot;&gt;") == 0, "escaped: %s", b.data);
    sb_free(&b);
}

static void test_csv(void) {
    char path[] = "/tmp/vaevk-viz-csv-XXXXXX", err[300];
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        CHECK(0, "mkstemp failed");
        return;
    }
    fputs("step,epoch,beta,loss\n0,0,0,10.5\n1,0,0.5,x\n\n2,0,1,", f);
    fclose(f);
    csv_table t;
    int rc = csv_table_read(path, &t, err, sizeof err);
    double *loss = rc == 0 ? csv_table_column(&t, "loss") : NULL;
    double *kl = rc == 0 ? csv_table_column(&t, "kl") : NULL;
    CHECK(rc == 0 && t.nrows == 3 && t.ncols == 4 && loss[0] == 10.5 && isnan(loss[1]) &&
          isnan(loss[2]) && isnan(kl[0]) && csv_table_col(&t, "beta") == 2,
          "CSV: %ld rows of %d columns; a word, a cut-short row and a missing column read as NaN",
          t.nrows, t.ncols);
    free(loss);
    free(kl);
    csv_table_free(&t);
    remove(path);
    CHECK(csv_table_read(path, &t, err, sizeof err) == 1, "a missing CSV is 1, not an error");
}

static void test_traverse_layout(void) {
    CHECK(viz_traverse_offset(0, 9, 3) == -3 && viz_traverse_offset(8, 9, 3) == 3 &&
          viz_traverse_offset(4, 9, 3) == 0 && viz_traverse_offset(0, 1, 3) == 0,
          "offsets: -3 .. 0 .. +3 over 9 steps, 0 for one step");
    enum { L = 4 };
    float base[L] = {0.5f, -1, 2, 0}, z[2 * 3 * L];
    int dims[2] = {2, 0}, other = 0;
    viz_traverse_latents(z, base, dims, 2, 3, 1.5f, L);
    for (int r = 0; r < 2; r++)
        for (int j = 0; j < 3; j++)
            for (int d = 0; d < L; d++) {
                float want = base[d] + (d == dims[r] ? viz_traverse_offset(j, 3, 1.5f) : 0);
                other += z[(r * 3 + j) * L + d] != want;
            }
    CHECK(other == 0, "traversal codes: only the row's dimension moves (%d wrong)", other);
    uint8_t *img = test_alloc((size_t)6 * 64 * 64 * 3);
    double kl[L] = {0.5, 0, 12.25, 0};
    viz_canvas c;
    char err[300];
    int rc = viz_traverse_canvas(&c, img, dims, kl, 2, 3, 1.5f, 2, err, sizeof err);
    int w = VIZ_TRAVERSE_LEFT * 2 + 3 * (64 * 2 + 1) + 1, h = VIZ_TRAVERSE_TOP * 2 + 2 * (64 * 2 + 1) + 1;
    CHECK(rc == 0 && c.width == w && c.height == h, "traversal picture of 2x3 at scale 2: %dx%d "
          "(want %dx%d)", c.width, c.height, w, h);
    viz_canvas_free(&c);
    free(img);
}

static void test_svg(void) {
    enum { N = 5000 };
    double *x = test_alloc(N * sizeof *x), *y = test_alloc(N * sizeof *y);
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = i % 7 == 0 ? -1 : 1000.0 / (i + 1); /* non-positive values on a log axis */
    }
    y[10] = NAN;
    svg_series s = {"loss", "#000", x, y, N, 0};
    svg_plot p = {.id = "p", .title = "t<", .x_label = "step", .y_label = "y", .log_y = 1,
                  .band_x0 = 0, .band_x1 = 1000, .band_label = "ramp", .width = 800, .height = 300};
    strbuf b = {0};
    svg_line_plot(&b, &p, &s, 1);
    long points = 0;
    for (const char *q = b.data; (q = strpbrk(q, "ML")) && q[1] != '\0'; q++)
        points += (q[-1] == ' ' || q[-1] == '\'') && (q[1] >= '0' && q[1] <= '9');
    CHECK(b.data && strncmp(b.data, "<svg", 4) == 0 && strstr(b.data, "</svg>") &&
          !strstr(b.data, "nan") && !strstr(b.data, "inf") && strstr(b.data, "t&lt;"),
          "line plot: one <svg>, no nan/inf coordinates, the title escaped");
    CHECK(points > 0 && points <= SVG_MAX_POINTS, "%d points drawn as %ld (at most %d)", N,
          points, SVG_MAX_POINTS);
    sb_free(&b);
    double v[3] = {0.5, 2, 1};
    int order[3] = {1, 2, 0};
    svg_bar_chart(&b, "bars", "KL", "nats", v, order, 3, "z", 600, 200);
    int bars = 0;
    for (const char *q = b.data; (q = strstr(q, "<title>z")); q++)
        bars++;
    CHECK(bars == 3 && strstr(b.data, "<title>z1: 2</title>"), "bar chart: %d bars with tooltips", bars);
    sb_free(&b);
    free(x);
    free(y);
}

static void test_pairs(void) {
    long a[50], b[50], a2[50], b2[50];
    viz_random_pairs(a, b, 50, 7, 3);
    viz_random_pairs(a2, b2, 50, 7, 3);
    int bad = 0;
    for (int i = 0; i < 50; i++)
        bad += a[i] < 0 || a[i] >= 7 || b[i] < 0 || b[i] >= 7 || a[i] == b[i];
    CHECK(bad == 0 && memcmp(a, a2, sizeof a) == 0 && memcmp(b, b2, sizeof b) == 0,
          "50 random pairs from 7: %d out of range or equal; the same again from the same seed", bad);
}

/* A sessions.csv made by hand: two train processes, the second resumed on
 * another device; a missing file; a row that is not numbers. */
static void test_sessions(void) {
    char dir[] = "/tmp/vaevk-viz-sessions-XXXXXX", path[128], err[600];
    run_sessions s;
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp failed");
        return;
    }
    snprintf(path, sizeof path, "%s/sessions.csv", dir);
    CHECK(run_sessions_read(path, &s, err, sizeof err) == 1, "no sessions.csv: 1 (not an error)");
    FILE *f = fopen(path, "w");
    fputs("started,ended,first_step,last_step,device\n1796094600,1796094972,0,8,cpu\n"
          "1796095572,1796098950,8,16,vulkan 0\n1796099000,1796099010,16,17,cpu\n", f);
    fclose(f);
    int rc = run_sessions_read(path, &s, err, sizeof err);
    CHECK(rc == 0 && s.count == 3 && s.started == 1796094600 && s.ended == 1796099010 &&
          s.seconds == 372 + 3378 + 10, "3 sessions: rc %d, %d rows, from %lld to %lld, %lld s "
          "training (want 3760)", rc, s.count, s.started, s.ended, s.seconds);
    CHECK(s.ndevices == 2 && strcmp(s.devices[0], "cpu") == 0 &&
          strcmp(s.devices[1], "vulkan 0") == 0, "devices in order of first use, once each: %d",
          s.ndevices);
    f = fopen(path, "a");
    fputs("soon,1796099010,17,18,cpu\n", f);
    fclose(f);
    rc = run_sessions_read(path, &s, err, sizeof err);
    CHECK(rc == -1 && strstr(err, "line 5"), "a row without times: -1, naming its line (%s)", err);
    unlink(path);
    rmdir(dir);
    const long long secs[] = {0, 45, 372, 3599, 3750, 93600};
    const char *want[] = {"0s", "45s", "6m12s", "59m59s", "1h02m", "26h00m"};
    for (int i = 0; i < 6; i++) {
        char v[32];
        run_format_duration(secs[i], v, sizeof v);
        CHECK(strcmp(v, want[i]) == 0, "%lld s reads %s (want %s)", secs[i], v, want[i]);
    }
}

/* Two grids side by side, a heading over the first only: each part's pixels
 * where the header says, text over the first and none over the second. */
static void test_beside(void) {
    uint8_t faces[3 * 64 * 64 * 3];
    fill_random(faces, sizeof faces, 7);
    viz_canvas part[2] = {{0}}, c = {0};
    const char *headings[2] = {"image 12", NULL};
    char err[200];
    int ok = viz_canvas_grid(&part[0], faces, 1, 1, 1, 0, 0, err, sizeof err) == 0 &&
             viz_canvas_grid(&part[1], faces + 64 * 64 * 3, 2, 2, 1, 0, 0, err, sizeof err) == 0 &&
             viz_canvas_beside(&c, part, headings, 2, 5, 1, err, sizeof err) == 0;
    CHECK(ok && c.width == 66 + 5 + 131 && c.height == c.top + 66 && c.top > FONT_H,
          "beside: %dx%d with a heading strip of %d (want 202x%d)", c.width, c.height, c.top,
          c.top + 66);
    int misplaced = 0, ink_first = 0, ink_second = 0;
    for (int k = 0, x0 = 0; ok && k < 2; x0 += part[k].width + 5, k++)
        for (int y = 0; y < part[k].height; y++)
            misplaced += memcmp(c.rgb + ((size_t)(c.top + y) * c.width + x0) * 3,
                                part[k].rgb + (size_t)y * part[k].width * 3,
                                (size_t)part[k].width * 3) != 0;
    for (int y = 0; ok && y < c.top; y++)
        for (int x = 0; x < c.width; x++)
            if (c.rgb[((size_t)y * c.width + x) * 3] == 225)
                *(x < 66 + 5 ? &ink_first : &ink_second) += 1;
    CHECK(ok && misplaced == 0 && ink_first > 20 && ink_second == 0,
          "beside: %d rows misplaced; heading ink %d over the first part, %d over the second",
          misplaced, ink_first, ink_second);
    viz_canvas_free(&part[0]);
    viz_canvas_free(&part[1]);
    viz_canvas_free(&c);
}

int main(void) {
    test_font();
    test_image_file();
    test_interpolate();
    test_kl_rank();
    test_attributes();
    test_base64();
    test_csv();
    test_traverse_layout();
    test_svg();
    test_pairs();
    test_sessions();
    test_beside();
    printf("%s\n", failures ? "FAILED" : "all viz library checks passed");
    return failures ? 1 : 0;
}
