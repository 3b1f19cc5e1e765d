#include "vaevk/program.h"

#include <stdio.h>
#include <stdlib.h>

int vae_program_push(vae_program *p, const vae_op *op) {
    if (p->count == p->capacity) {
        int capacity = p->capacity ? 2 * p->capacity : 64;
        vae_op *ops = realloc(p->ops, (size_t)capacity * sizeof *ops);
        if (!ops)
            return -1;
        p->ops = ops;
        p->capacity = capacity;
    }
    p->ops[p->count++] = *op;
    return 0;
}

void vae_program_free(vae_program *p) {
    free(p->ops);
    p->ops = NULL;
    p->count = p->capacity = 0;
}

void vae_program_set_precision(vae_program *p, vae_precision precision) {
    for (int i = 0; i < p->count; i++)
        if (vae_op_info_of(p->ops[i].kind)->family == VAE_FAMILY_PRODUCT)
            p->ops[i].precision = precision;
}

const char *vae_precision_name(vae_precision precision) {
    return precision == VAE_PRECISION_MIXED ? "mixed" : "fp32";
}

int vae_program_check(const vae_program *p, const uint32_t words[VAE_ARENA_COUNT], char *err,
                      size_t errlen) {
    for (int i = 0; i < p->count; i++) {
        const vae_op *op = &p->ops[i];
        vae_op_size size;
        char why[384];
        if (vae_op_size_of(op, &size, why, sizeof why) != 0) {
            snprintf(err, errlen, "op %d: %s", i, why);
            return -1;
        }
        if (op->precision != VAE_PRECISION_FP32 &&
            (op->precision != VAE_PRECISION_MIXED || vae_op_info_of(op->kind)->family != VAE_FAMILY_PRODUCT)) {
            snprintf(err, errlen, "op %d (%s): precision %d, but only products have a precision "
                     "(fp32 or mixed)", i, vae_op_name(op->kind), (int)op->precision);
            return -1;
        }
        for (int k = 0; k < vae_op_tensor_count(op->kind); k++) {
            vae_tensor t = op->t[k];
            if (t.arena >= VAE_ARENA_COUNT || t.offset + t.count > words[t.arena] || t.offset + t.count < t.offset)
                snprintf(why, sizeof why, "[%u, +%u) is outside arena %u of %u words", t.offset, t.count,
                         t.arena, t.arena < VAE_ARENA_COUNT ? words[t.arena] : 0);
            else if (t.count < size.words[k])
                snprintf(why, sizeof why, "has %u words, the op's sizes need %u", t.count, size.words[k]);
            else
                continue;
            snprintf(err, errlen, "op %d (%s), tensor %d %s", i, vae_op_name(op->kind), k, why);
            return -1;
        }
    }
    return 0;
}
