/* The built-in dataset: procedural cartoon faces, 64x64 RGB, drawn from
 * independent attributes so a trained VAE has real factors of variation to
 * find. Image `index` of `seed` is a pure function of (seed, index): any
 * number of images, no files. The renderer uses only exactly rounded float
 * arithmetic (+ - * / sqrt floor; no libm sin/atan), so the bytes are the
 * same on every IEEE machine and compiler (tests/data pins a checksum).
 *
 * Randomness: attribute k of image i is
 *   vae_rng_uniform(seed, VAE_STREAM_DATA, step = i, index = k). */
#ifndef VAEVK_SYNTHETIC_H
#define VAEVK_SYNTHETIC_H

#include <stdint.h>

#define SYNTH_SIZE 64

/* Every attribute lies in [0, 1] (glasses in {0, 1}); 0.5 is the middle of
 * its range where that means something. The order is the draw order: the
 * k-th float is attribute k (see synth_attribute_get). */
typedef struct {
    float skin_tone;      /* 0 light .. 1 dark */
    float hair_colour;    /* along black, brown, auburn, blonde, grey */
    float hair_length;    /* 0 short crop .. 1 down to the shoulders */
    float fringe;         /* 0 high hairline .. 1 hair low on the forehead */
    float face_width;     /* half-width of the face ellipse, 13..17 px */
    float face_height;    /* half-height of the face ellipse, 16..20 px */
    float eye_spacing;    /* 0 close-set .. 1 wide-set */
    float eye_size;       /* 0 small .. 1 large */
    float eye_colour;     /* along brown, hazel, green, blue, grey */
    float gaze;           /* 0 looking left .. 1 looking right */
    float brow_thickness; /* 0 thin .. 1 bushy */
    float brow_raise;     /* 0 low .. 1 raised */
    float mouth_width;    /* 0 narrow .. 1 wide */
    float smile;          /* 0 frown, 0.5 straight, 1 smile */
    float mouth_open;     /* 0 closed .. 1 open with teeth showing */
    float head_x;         /* 0 left .. 1 right, ±4 px */
    float head_y;         /* 0 up .. 1 down, ±3 px */
    float tilt;           /* 0 .. 1 = -14° .. +14° roll, 0.5 upright */
    float light_angle;    /* direction the light comes from, 0..1 turn */
    float background_hue; /* hue of the backdrop, 0..1 turn */
    float shirt_hue;      /* hue of the shirt, 0..1 turn */
    float glasses;        /* 0 none, 1 round glasses (30% of faces) */
} synth_attributes;

#define SYNTH_NUM_ATTRIBUTES 22

/* Attribute k by number, and its field name ("skin_tone", ...). */
float synth_attribute_get(const synth_attributes *a, int k);
void synth_attribute_set(synth_attributes *a, int k, float value);
const char *synth_attribute_name(int k);

/* The attributes of image `index` of `seed`. */
void synth_attributes_draw(synth_attributes *a, uint64_t seed, uint32_t index);

/* Renders one face. */
void synth_render(uint8_t *rgb, const synth_attributes *a); // (64, 64, 3) HWC

/* Draw + render image `index` of `seed`. */
void synth_face(uint8_t *rgb, uint64_t seed, uint32_t index); // (64, 64, 3)

/* Images first .. first+n-1 of `seed`, one after another. */
void synth_faces(uint8_t *rgb, uint64_t seed, uint32_t first, int n); // (n, 64, 64, 3)

/* Where the face's parts land in the image, in pixel coordinates (x right,
 * y down, pixel (i, j) covers [j, j+1) x [i, i+1)). */
typedef enum {
    SYNTH_HEAD_CENTRE, SYNTH_LEFT_EYE /* as seen in the image */, SYNTH_RIGHT_EYE, SYNTH_NOSE, SYNTH_MOUTH,
    SYNTH_NUM_LANDMARKS
} synth_landmark;

void synth_landmarks(const synth_attributes *a, float xy[SYNTH_NUM_LANDMARKS][2]);

#endif
