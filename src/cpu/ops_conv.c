/* conv2d: forward and both backward passes.
 * Float ops and their double twins from one body: see cpu/ops_template.h. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"
#include "cpu/ops_conv_tap.h"

#include <stddef.h>

#define OPS_BODY "cpu/ops_conv.inc"
#include "cpu/ops_template.h"
