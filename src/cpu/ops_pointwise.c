/* Bias and element-wise activations.
 * Float ops and their double twins from one body: see cpu/ops_template.h. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"

#include <stddef.h>
#include <math.h>

#define OPS_BODY "cpu/ops_pointwise.inc"
#include "cpu/ops_template.h"
