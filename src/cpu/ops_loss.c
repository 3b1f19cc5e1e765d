/* Squared error and the batch's loss figures.
 * Float ops and their double twins from one body: see cpu/ops_template.h. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"

#include <stddef.h>

#define OPS_BODY "cpu/ops_loss.inc"
#include "cpu/ops_template.h"
