/* A face's attributes turned into pixels and colours: every length the
 * renderer uses, in the head's own frame (origin at the head centre, x right,
 * y down, before the tilt), and every colour as linear-ish RGB in [0, 1]. */
#ifndef VAEVK_DATA_FACE_LAYOUT_H
#define VAEVK_DATA_FACE_LAYOUT_H

#include "data/sdf.h"
#include "vaevk/synthetic.h"

typedef struct {
    vec2 centre;          /* head centre in image pixels */
    float cos_t, sin_t;   /* head roll */
    float light[3];       /* unit vector towards the light, head frame */

    float face_rx, face_ry;
    vec2 hair_c;          /* hair volume: an ellipse a little above and */
    float hair_rx, hair_ry; /* larger than the face */
    float hairline_y, hairline_k; /* y(x) = hairline_y + k (|x| / face_rx)^4 */
    float long_bottom, long_half_w; /* long hair hanging behind the head */

    float eye_x, eye_y, eye_rx, eye_ry, iris_r, pupil_r, gaze_dx;
    float brow_y, brow_w, brow_t;
    float nose_y;
    float mouth_y, mouth_w, mouth_k, mouth_open;
    float glass_r;
    int glasses;

    rgb3 skin, hair, brow, iris, background, shirt, lip;
} face_layout;

void face_layout_from_attributes(face_layout *f, const synth_attributes *a);

/* Head-frame point -> image pixels, and back. */
vec2 face_to_image(const face_layout *f, vec2 p);
vec2 face_from_image(const face_layout *f, vec2 q);

#endif
