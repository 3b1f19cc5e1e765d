/* Attributes -> geometry and colours. The ranges are chosen so that every
 * combination still reads as a face: eyes stay inside the face, glasses
 * never overlap each other, the fringe stays above the eyes, the head stays
 * inside the frame. */
#include "data/face_layout.h"

#include <math.h>

#include "vaevk/rng.h"

/* Piecewise-linear walk along n colours, t in [0, 1]. */
static rgb3 ramp(const rgb3 *stops, int n, float t) {
    float s = clamp01(t) * (float)(n - 1);
    int i = (int)s;
    if (i >= n - 1) i = n - 2;
    return mix3(stops[i], stops[i + 1], s - (float)i);
}

static rgb3 hsv(float h, float s, float v) {
    float h6 = (h - floorf(h)) * 6.0f;
    rgb3 c;
    c.r = clamp01(fabsf(h6 - 3.0f) - 1.0f);
    c.g = clamp01(2.0f - fabsf(h6 - 2.0f));
    c.b = clamp01(2.0f - fabsf(h6 - 4.0f));
    return mix3((rgb3){v, v, v}, scale3(c, v), s);
}

static const rgb3 SKIN[] = {
    {0.99f, 0.86f, 0.76f}, {0.95f, 0.77f, 0.62f}, {0.84f, 0.62f, 0.44f},
    {0.62f, 0.42f, 0.27f}, {0.40f, 0.26f, 0.16f},
};
static const rgb3 HAIR[] = {
    {0.07f, 0.06f, 0.06f}, {0.24f, 0.14f, 0.08f}, {0.45f, 0.27f, 0.13f},
    {0.62f, 0.26f, 0.10f}, {0.88f, 0.72f, 0.42f}, {0.80f, 0.80f, 0.78f},
};
static const rgb3 EYES[] = {
    {0.33f, 0.19f, 0.09f}, {0.50f, 0.40f, 0.16f}, {0.22f, 0.50f, 0.30f},
    {0.22f, 0.45f, 0.80f}, {0.50f, 0.56f, 0.62f},
};

static void layout_colours(face_layout *f, const synth_attributes *a) {
    f->skin = ramp(SKIN, 5, a->skin_tone);
    f->hair = ramp(HAIR, 6, a->hair_colour);
    f->brow = scale3(f->hair, 0.75f);
    f->iris = ramp(EYES, 5, a->eye_colour);
    f->background = hsv(a->background_hue, 0.35f, 0.88f);
    f->shirt = hsv(a->shirt_hue, 0.55f, 0.62f);
    f->lip = mix3(scale3(f->skin, 0.55f), (rgb3){0.55f, 0.12f, 0.12f}, 0.5f);
}

static void layout_pose(face_layout *f, const synth_attributes *a) {
    /* vae_sincos_turns rather than libm, for the same bytes everywhere. */
    float roll = (a->tilt - 0.5f) * 0.5f; /* radians */
    vae_sincos_turns(roll * 0.15915494f, &f->sin_t, &f->cos_t);
    f->centre = (vec2){32.0f + (a->head_x - 0.5f) * 8.0f, 29.0f + (a->head_y - 0.5f) * 6.0f};
    /* Light from the image-plane direction, tipped towards the viewer so the
     * whole face stays lit; then rotated into the head's frame. */
    float s, c;
    vae_sincos_turns(a->light_angle, &s, &c);
    float lx = 0.75f * c, ly = 0.75f * s, lz = 0.6614378f;
    f->light[0] = f->cos_t * lx + f->sin_t * ly;
    f->light[1] = -f->sin_t * lx + f->cos_t * ly;
    f->light[2] = lz;
}

static void layout_hair(face_layout *f, const synth_attributes *a) {
    f->hair_c = (vec2){0.0f, -0.12f * f->face_ry};
    f->hair_rx = f->face_rx + 2.0f;
    f->hair_ry = 0.95f * f->face_ry + 2.5f;
    f->hairline_y = -f->face_ry * (0.72f - 0.42f * a->fringe);
    f->hairline_k = 0.30f * f->face_ry - f->hairline_y;
    f->long_bottom = f->face_ry * (-0.1f + 1.6f * a->hair_length);
    f->long_half_w = f->face_rx + 2.0f + 1.5f * a->hair_length;
}

static void layout_features(face_layout *f, const synth_attributes *a) {
    f->eye_rx = 2.0f + 1.4f * a->eye_size;
    f->eye_ry = 0.72f * f->eye_rx;
    f->eye_x = 3.0f + 0.8f * f->eye_rx + 2.6f * a->eye_spacing;
    f->eye_y = -0.05f * f->face_ry;
    f->iris_r = 0.62f * f->eye_rx;
    f->pupil_r = 0.5f * f->iris_r;
    f->gaze_dx = (a->gaze - 0.5f) * 0.7f * f->eye_rx;
    f->brow_t = 0.45f + 0.55f * a->brow_thickness;
    f->brow_w = 0.55f * f->eye_rx + 1.6f;
    f->brow_y = f->eye_y - f->eye_ry - 1.8f - 2.0f * a->brow_raise;
    f->nose_y = 0.25f * f->face_ry;
    f->mouth_y = 0.55f * f->face_ry;
    f->mouth_w = 3.0f + 3.5f * a->mouth_width;
    /* The corners rise (smile) or fall (frown) by up to 0.4 of the half-width. */
    f->mouth_k = -(2.0f * a->smile - 1.0f) * 0.4f / f->mouth_w;
    f->mouth_open = a->mouth_open * (1.0f + 0.4f * f->mouth_w); /* up to 3.6 px */
    f->glass_r = f->eye_rx + 1.3f;
    f->glasses = a->glasses >= 0.5f;
}

void face_layout_from_attributes(face_layout *f, const synth_attributes *a) {
    f->face_rx = 13.0f + 4.0f * a->face_width;
    f->face_ry = 16.0f + 4.0f * a->face_height;
    layout_colours(f, a);
    layout_pose(f, a);
    layout_hair(f, a);
    layout_features(f, a);
}

vec2 face_to_image(const face_layout *f, vec2 p) {
    return (vec2){f->centre.x + f->cos_t * p.x - f->sin_t * p.y,
                  f->centre.y + f->sin_t * p.x + f->cos_t * p.y};
}

vec2 face_from_image(const face_layout *f, vec2 q) {
    float dx = q.x - f->centre.x, dy = q.y - f->centre.y;
    return (vec2){f->cos_t * dx + f->sin_t * dy, -f->sin_t * dx + f->cos_t * dy};
}
