/* How every CPU op is written once and compiled twice.
 *
 * Each op family's body lives in a .inc file written against the scalar type
 * `real`, with every function name wrapped in OPS(name). A .c file defines
 * OPS_BODY as that .inc's path and includes this header, which compiles the
 * body twice:
 *   real = float,  OPS(name) = name      -> the public ops of vaevk/ops.h
 *   real = double, OPS(name) = name_f64  -> the twins of cpu/ops_f64.h
 * The float ops are the reference every GPU result is checked against; the
 * double twins exist so gradient checks can difference in double precision
 * and so the float ops can be compared with exact-ish arithmetic.
 *
 * Reductions accumulate in double in both versions, and transcendental
 * functions are evaluated in double and rounded once to `real`.
 * No include guard: included once per .c file by design. */
#ifndef OPS_BODY
#error "define OPS_BODY (the .inc to instantiate) before including cpu/ops_template.h"
#endif

#define real float
#define OPS(name) name
#include OPS_BODY
#undef real
#undef OPS

#define real double
#define OPS(name) name##_f64
#include OPS_BODY
#undef real
#undef OPS
