/* The synthetic face dataset: attribute draws, attribute access by number,
 * landmarks. Rendering is in face_render.c, geometry in face_layout.c. */
#include "vaevk/synthetic.h"

#include <stddef.h>

#include "data/face_layout.h"
#include "vaevk/rng.h"

/* Share of faces that wear glasses. */
#define SYNTH_GLASSES_RATE 0.3f

#define FIELD(name) {#name, offsetof(synth_attributes, name)}
static const struct { const char *name; size_t offset; } FIELDS[SYNTH_NUM_ATTRIBUTES] = {
    FIELD(skin_tone), FIELD(hair_colour), FIELD(hair_length), FIELD(fringe),
    FIELD(face_width), FIELD(face_height), FIELD(eye_spacing), FIELD(eye_size),
    FIELD(eye_colour), FIELD(gaze), FIELD(brow_thickness), FIELD(brow_raise),
    FIELD(mouth_width), FIELD(smile), FIELD(mouth_open), FIELD(head_x),
    FIELD(head_y), FIELD(tilt), FIELD(light_angle), FIELD(background_hue),
    FIELD(shirt_hue), FIELD(glasses),
};
_Static_assert(sizeof(synth_attributes) == SYNTH_NUM_ATTRIBUTES * sizeof(float),
               "FIELDS must list every attribute");

float synth_attribute_get(const synth_attributes *a, int k) {
    if (k < 0 || k >= SYNTH_NUM_ATTRIBUTES) return 0.0f;
    return *(const float *)((const char *)a + FIELDS[k].offset);
}

void synth_attribute_set(synth_attributes *a, int k, float value) {
    if (k < 0 || k >= SYNTH_NUM_ATTRIBUTES) return;
    *(float *)((char *)a + FIELDS[k].offset) = value;
}

const char *synth_attribute_name(int k) {
    if (k < 0 || k >= SYNTH_NUM_ATTRIBUTES) return "?";
    return FIELDS[k].name;
}

void synth_attributes_draw(synth_attributes *a, uint64_t seed, uint32_t index) {
    for (int k = 0; k < SYNTH_NUM_ATTRIBUTES; k++)
        synth_attribute_set(a, k, vae_rng_uniform(seed, VAE_STREAM_DATA, index, (uint32_t)k));
    a->glasses = a->glasses < SYNTH_GLASSES_RATE ? 1.0f : 0.0f;
}

void synth_face(uint8_t *rgb, uint64_t seed, uint32_t index) {
    synth_attributes a;
    synth_attributes_draw(&a, seed, index);
    synth_render(rgb, &a);
}

void synth_faces(uint8_t *rgb, uint64_t seed, uint32_t first, int n) {
    for (int i = 0; i < n; i++)
        synth_face(rgb + (size_t)i * SYNTH_SIZE * SYNTH_SIZE * 3, seed, first + (uint32_t)i);
}

void synth_landmarks(const synth_attributes *a, float xy[SYNTH_NUM_LANDMARKS][2]) {
    face_layout f;
    face_layout_from_attributes(&f, a);
    const vec2 at[SYNTH_NUM_LANDMARKS] = {
        [SYNTH_HEAD_CENTRE] = {0.0f, 0.0f},
        [SYNTH_LEFT_EYE] = {-f.eye_x, f.eye_y},
        [SYNTH_RIGHT_EYE] = {f.eye_x, f.eye_y},
        [SYNTH_NOSE] = {0.0f, f.nose_y},
        [SYNTH_MOUTH] = {0.0f, f.mouth_y},
    };
    for (int k = 0; k < SYNTH_NUM_LANDMARKS; k++) {
        vec2 q = face_to_image(&f, at[k]);
        xy[k][0] = q.x;
        xy[k][1] = q.y;
    }
}
