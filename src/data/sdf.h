/* Signed distances (negative inside, in pixels) to the few shapes a cartoon
 * face is made of, and the coverage and blending built on them. Distances
 * in pixels make anti-aliasing analytic: a pixel is covered by the part of
 * the shape's edge that crosses it, 0.5 - d clamped to [0, 1]. */
#ifndef VAEVK_DATA_SDF_H
#define VAEVK_DATA_SDF_H

#include <math.h>

typedef struct { float x, y; } vec2;
typedef struct { float r, g, b; } rgb3;

static inline float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }
static inline float maxf(float a, float b) { return a > b ? a : b; }
static inline float minf(float a, float b) { return a < b ? a : b; }
/* sqrtf is correctly rounded everywhere (hypotf is not), which keeps the
 * rendered bytes the same on every IEEE machine. */
static inline float length2(float x, float y) { return sqrtf(x * x + y * y); }
static inline float lerpf(float a, float b, float t) { return a + (b - a) * t; }

/* Fraction of a pixel covered by the shape whose distance is d. */
static inline float coverage(float d) { return clamp01(0.5f - d); }

static inline void blend(rgb3 *dst, rgb3 src, float alpha) {
    dst->r += (src.r - dst->r) * alpha;
    dst->g += (src.g - dst->g) * alpha;
    dst->b += (src.b - dst->b) * alpha;
}

static inline rgb3 scale3(rgb3 c, float s) { return (rgb3){c.r * s, c.g * s, c.b * s}; }

static inline rgb3 mix3(rgb3 a, rgb3 b, float t) {
    return (rgb3){lerpf(a.r, b.r, t), lerpf(a.g, b.g, t), lerpf(a.b, b.b, t)};
}

static inline float sd_circle(vec2 p, vec2 c, float r) {
    return length2(p.x - c.x, p.y - c.y) - r;
}

/* Ellipse with radii (rx, ry): the first-order estimate |f| / |grad f| of
 * f = |q| - 1, q = p / r. Exact on circles, within a few percent on the
 * mild ellipses of a face: enough for a one-pixel anti-aliasing ramp. */
static inline float sd_ellipse(vec2 p, vec2 c, float rx, float ry) {
    float qx = (p.x - c.x) / rx, qy = (p.y - c.y) / ry;
    float k0 = length2(qx, qy);
    float k1 = length2(qx / rx, qy / ry);
    if (k1 < 1e-6f) return -minf(rx, ry);
    return k0 * (k0 - 1.0f) / k1;
}

/* Segment a-b thickened to half-width r (a capsule). */
static inline float sd_capsule(vec2 p, vec2 a, vec2 b, float r) {
    float bx = b.x - a.x, by = b.y - a.y, px = p.x - a.x, py = p.y - a.y;
    float h = clamp01((px * bx + py * by) / (bx * bx + by * by));
    return length2(px - bx * h, py - by * h) - r;
}

/* Box of half-sizes (hx, hy) around c with corners rounded by radius rr. */
static inline float sd_round_box(vec2 p, vec2 c, float hx, float hy, float rr) {
    float qx = fabsf(p.x - c.x) - hx + rr, qy = fabsf(p.y - c.y) - hy + rr;
    return length2(maxf(qx, 0.0f), maxf(qy, 0.0f)) + minf(maxf(qx, qy), 0.0f) - rr;
}

/* The curve y = c.y + k (x - c.x)^2 for |x - c.x| <= w, stroked with half
 * width t: the vertical gap divided by the slope's stretch inside the span,
 * the distance to the nearer end cap outside it. */
static inline float sd_parabola_stroke(vec2 p, vec2 c, float k, float w, float t) {
    float dx = p.x - c.x;
    if (fabsf(dx) > w) {
        float ex = dx > 0.0f ? w : -w;
        return length2(dx - ex, p.y - (c.y + k * w * w)) - t;
    }
    float gap = p.y - (c.y + k * dx * dx);
    float slope = 2.0f * k * dx;
    return fabsf(gap) / sqrtf(1.0f + slope * slope) - t;
}

#endif
