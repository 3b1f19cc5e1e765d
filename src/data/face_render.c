/* Paints a face, back to front, one pixel at a time: each layer is a signed
 * distance turned into coverage (analytic anti-aliasing, no supersampling)
 * and blended over what is below; shading is computed only where a layer
 * covers the pixel. Shapes live in the head's frame, so the
 * pixel centre is moved into that frame once and every layer reuses it. */
#include "data/face_layout.h"
#include "vaevk/synthetic.h"

#include <math.h>

/* Lambert shading of an ellipsoid bulging towards the viewer: the normal's
 * x and y follow the position inside the ellipse, z makes it unit length. */
static float bulge_shade(const face_layout *f, vec2 p, vec2 c, float rx, float ry) {
    float nx = (p.x - c.x) / rx, ny = (p.y - c.y) / ry;
    float r2 = nx * nx + ny * ny;
    if (r2 > 1.0f) { float s = 1.0f / sqrtf(r2); nx *= s; ny *= s; r2 = 1.0f; }
    float nz = sqrtf(1.0f - r2);
    float lambert = nx * f->light[0] + ny * f->light[1] + nz * f->light[2];
    return 0.6f + 0.45f * maxf(lambert, 0.0f);
}

static void paint_body(rgb3 *c, const face_layout *f, vec2 p) {
    float ry = f->face_ry, neck_w = 0.36f * f->face_rx;
    float d = sd_round_box(p, (vec2){0.0f, ry + 2.0f}, neck_w, 9.0f, 2.0f);
    blend(c, scale3(f->skin, 0.78f), coverage(d));
    vec2 sc = {0.0f, ry + 21.0f};
    float srx = f->face_rx + 15.0f, sry = 14.0f;
    float a = coverage(sd_ellipse(p, sc, srx, sry));
    if (a > 0.0f) blend(c, scale3(f->shirt, bulge_shade(f, p, sc, srx, sry)), a);
    d = sd_ellipse(p, (vec2){0.0f, ry + 7.0f}, neck_w + 0.5f, 2.5f);
    blend(c, scale3(f->skin, 0.72f), coverage(d));
}

/* sin(16 θ) for the direction θ of (x, y) from the y axis: the imaginary
 * part of ((y + ix) / |.|)^16 by repeated squaring, so only + and × (no
 * libm transcendental whose last bit varies between machines). */
static float fan_sin16(float x, float y) {
    float n = length2(x, y);
    if (n < 1e-6f) return 0.0f;
    float re = y / n, im = x / n;
    for (int k = 0; k < 4; k++) {
        float t = re * re - im * im;
        im = 2.0f * re * im;
        re = t;
    }
    return im;
}

static float hair_shade(const face_layout *f, vec2 p) {
    /* Faint strands fanning out from a point 12 px above the hair keep it
     * from looking like a flat cap; that far up, the stripes are 4 px or
     * more apart even at the top of the head, too wide to alias. */
    float crown = f->hair_c.y - f->hair_ry - 12.0f;
    float strands = 0.94f + 0.06f * fan_sin16(p.x, p.y - crown);
    return strands * bulge_shade(f, p, f->hair_c, f->hair_rx, f->hair_ry);
}

static void paint_back_hair(rgb3 *c, const face_layout *f, vec2 p) {
    float d = sd_ellipse(p, f->hair_c, f->hair_rx, f->hair_ry);
    if (f->long_bottom > f->hair_c.y) {
        float half_h = 0.5f * (f->long_bottom - f->hair_c.y);
        vec2 bc = {0.0f, f->hair_c.y + half_h};
        d = minf(d, sd_round_box(p, bc, f->long_half_w, half_h, 4.0f));
    }
    float a = coverage(d);
    if (a > 0.0f) blend(c, scale3(f->hair, 0.8f * hair_shade(f, p)), a);
}

static void paint_head(rgb3 *c, const face_layout *f, vec2 p) {
    vec2 o = {0.0f, 0.0f};
    for (int side = -1; side <= 1; side += 2) {
        vec2 ec = {(float)side * (f->face_rx - 0.3f), 0.1f * f->face_ry};
        float a = coverage(sd_ellipse(p, ec, 2.6f, 3.8f));
        if (a > 0.0f)
            blend(c, scale3(f->skin, 0.9f * bulge_shade(f, p, o, f->face_rx, f->face_ry)), a);
    }
    float a = coverage(sd_ellipse(p, o, f->face_rx, f->face_ry));
    if (a > 0.0f) blend(c, scale3(f->skin, bulge_shade(f, p, o, f->face_rx, f->face_ry)), a);
}

/* The hair in front: inside the hair volume and above the hairline, which
 * is flat over the forehead and drops steeply at the temples. */
static void paint_top_hair(rgb3 *c, const face_layout *f, vec2 p) {
    float u = p.x / f->face_rx, u2 = u * u;
    float line = f->hairline_y + f->hairline_k * u2 * u2;
    float slope = 4.0f * f->hairline_k * u2 * u / f->face_rx;
    float d_line = (p.y - line) / sqrtf(1.0f + slope * slope);
    float d = maxf(sd_ellipse(p, f->hair_c, f->hair_rx, f->hair_ry), d_line);
    float a = coverage(d);
    if (a > 0.0f) blend(c, scale3(f->hair, hair_shade(f, p)), a);
}

static void paint_eye(rgb3 *c, const face_layout *f, vec2 p, float side) {
    vec2 ec = {side * f->eye_x, f->eye_y};
    float d_white = sd_ellipse(p, ec, f->eye_rx, f->eye_ry);
    if (d_white > 1.5f) return; /* beyond the outline's reach */
    float in_eye = coverage(d_white);
    blend(c, (rgb3){0.97f, 0.97f, 0.95f}, in_eye);
    vec2 ic = {ec.x + f->gaze_dx, ec.y};
    blend(c, f->iris, minf(in_eye, coverage(sd_circle(p, ic, f->iris_r))));
    blend(c, (rgb3){0.04f, 0.03f, 0.03f}, minf(in_eye, coverage(sd_circle(p, ic, f->pupil_r))));
    vec2 hc = {ic.x + 0.35f * f->iris_r, ic.y - 0.35f * f->iris_r};
    blend(c, (rgb3){1.0f, 1.0f, 1.0f}, 0.9f * minf(in_eye, coverage(sd_circle(p, hc, 0.4f))));
    /* Outline, heavier along the upper lid. */
    float lid = p.y < ec.y ? 0.55f : 0.3f;
    blend(c, scale3(f->skin, 0.25f), 0.9f * coverage(fabsf(d_white) - lid));
}

static void paint_brows_nose(rgb3 *c, const face_layout *f, vec2 p) {
    float arch = 0.9f / (f->brow_w * f->brow_w);
    for (int side = -1; side <= 1; side += 2) {
        vec2 bc = {(float)side * f->eye_x, f->brow_y};
        blend(c, f->brow, coverage(sd_parabola_stroke(p, bc, arch, f->brow_w, f->brow_t)));
    }
    /* A soft shadow beside the nose, away from the light, and its tip. */
    float away = f->light[0] > 0.0f ? -1.0f : 1.0f;
    float d = sd_ellipse(p, (vec2){away * 1.3f, f->nose_y - 2.0f}, 1.1f, 3.2f);
    blend(c, scale3(f->skin, 0.7f), 0.35f * coverage(d));
    d = sd_parabola_stroke(p, (vec2){0.0f, f->nose_y}, 0.35f, 1.3f, 0.4f);
    blend(c, scale3(f->skin, 0.6f), 0.85f * coverage(d));
}

static void paint_mouth(rgb3 *c, const face_layout *f, vec2 p) {
    float dx = p.x, w = f->mouth_w;
    float top = f->mouth_y + f->mouth_k * dx * dx;
    if (f->mouth_open > 0.0f && fabsf(dx) < w + 1.0f) {
        float t = clamp01(1.0f - (dx * dx) / (w * w));
        float bottom = top + f->mouth_open * t;
        float d = maxf(maxf(top - p.y, p.y - bottom), fabsf(dx) - w);
        blend(c, (rgb3){0.30f, 0.06f, 0.08f}, coverage(d));
        float teeth = maxf(d, p.y - (top + 0.35f * f->mouth_open * t));
        blend(c, (rgb3){0.95f, 0.94f, 0.90f}, coverage(teeth));
        float lower = sd_parabola_stroke(p, (vec2){0.0f, f->mouth_y + f->mouth_open},
                                         f->mouth_k - f->mouth_open / (w * w), w, 0.35f);
        blend(c, f->lip, 0.8f * coverage(lower));
    }
    float d = sd_parabola_stroke(p, (vec2){0.0f, f->mouth_y}, f->mouth_k, w, 0.55f);
    blend(c, f->lip, coverage(d));
}

static void paint_glasses(rgb3 *c, const face_layout *f, vec2 p) {
    rgb3 frame = {0.10f, 0.09f, 0.10f};
    float d_frame = 1e9f;
    for (int side = -1; side <= 1; side += 2) {
        vec2 gc = {(float)side * f->eye_x, f->eye_y};
        float d = sd_circle(p, gc, f->glass_r);
        blend(c, (rgb3){1.0f, 1.0f, 1.0f}, 0.12f * coverage(d));
        d_frame = minf(d_frame, fabsf(d) - 0.5f);
        vec2 arm0 = {(float)side * (f->eye_x + f->glass_r), f->eye_y};
        vec2 arm1 = {(float)side * (f->face_rx + 0.5f), f->eye_y - 0.5f};
        d_frame = minf(d_frame, sd_capsule(p, arm0, arm1, 0.45f));
    }
    float inner = f->eye_x - f->glass_r;
    d_frame = minf(d_frame, sd_parabola_stroke(p, (vec2){0.0f, f->eye_y - 1.0f},
                                               0.6f / (inner * inner), inner, 0.45f));
    blend(c, frame, coverage(d_frame));
}

static rgb3 face_pixel(const face_layout *f, vec2 q) {
    vec2 p = face_from_image(f, q);
    rgb3 c = scale3(f->background, 1.04f - 0.08f * q.y / (float)SYNTH_SIZE);
    /* Bounds that no part of the layers below reaches beyond, anti-aliasing
     * included, to skip their arithmetic on most pixels: the neck starts
     * 7 px above the chin; brows, eyes, glasses, nose and mouth lie within
     * 2 px of the face's sides, 4 px above the brows, 6 px below the mouth. */
    if (p.y > f->face_ry - 8.0f) paint_body(&c, f, p);
    paint_back_hair(&c, f, p);
    paint_head(&c, f, p);
    paint_top_hair(&c, f, p);
    if (fabsf(p.x) > f->face_rx + 2.0f || p.y < f->brow_y - 4.0f || p.y > f->mouth_y + 6.0f)
        return c;
    paint_eye(&c, f, p, -1.0f);
    paint_eye(&c, f, p, 1.0f);
    paint_brows_nose(&c, f, p);
    paint_mouth(&c, f, p);
    if (f->glasses) paint_glasses(&c, f, p);
    return c;
}

static uint8_t to_byte(float v) { return (uint8_t)(clamp01(v) * 255.0f + 0.5f); }

void synth_render(uint8_t *rgb, const synth_attributes *a) {
    face_layout f;
    face_layout_from_attributes(&f, a);
    for (int i = 0; i < SYNTH_SIZE; i++) {
        for (int j = 0; j < SYNTH_SIZE; j++) {
            rgb3 c = face_pixel(&f, (vec2){(float)j + 0.5f, (float)i + 0.5f});
            uint8_t *px = rgb + 3 * (i * SYNTH_SIZE + j);
            px[0] = to_byte(c.r);
            px[1] = to_byte(c.g);
            px[2] = to_byte(c.b);
        }
    }
}
