/* Every op alone, on the backend under test and on the reference, from the
 * same arenas: the outputs must agree (see vaevk/selftest.h) and every other
 * word, inputs and the guard words around each tensor included, must be
 * left as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/selftest_cases.h"
#include "vaevk/selftest.h"

#define GUARD_WORDS 16
#define GUARD_PATTERN 0xA5C3E1F7u

typedef struct {
    vae_op op;
    uint32_t words[VAE_ARENA_COUNT];
    uint32_t *init[VAE_ARENA_COUNT]; /* data in the tensors, guard words elsewhere */
    uint32_t *got[VAE_ARENA_COUNT], *ref[VAE_ARENA_COUNT];
} one_op;

static uint32_t align_words(uint32_t w) {
    return (w + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
}

static void free_one_op(one_op *p) {
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(p->init[a]), free(p->got[a]), free(p->ref[a]);
}

static int alloc_arenas(one_op *p, uint32_t *arenas[VAE_ARENA_COUNT]) {
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        if (!(arenas[a] = malloc((size_t)p->words[a] * 4 + 4)))
            return -1;
    return 0;
}

/* Places each tensor with guard words before and after, on the 256-byte
 * grid, and fills the arenas. */
static int lay_out(const selftest_case *c, one_op *p, uint64_t seed, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    p->op.kind = c->kind;
    memcpy(p->op.d, c->d, sizeof p->op.d);
    memcpy(p->op.f, c->f, sizeof p->op.f);
    p->op.precision = c->precision;
    vae_op_size size;
    if (vae_op_size_of(&p->op, &size, err, errlen) != 0)
        return -1;
    int nt = vae_op_tensor_count(c->kind);
    for (int k = 0; k < nt; k++) {
        vae_arena a = selftest_arena(c->kind, k);
        uint32_t offset = align_words(p->words[a] + GUARD_WORDS);
        p->op.t[k] = (vae_tensor){a, offset, size.words[k]};
        p->words[a] = align_words(offset + size.words[k] + GUARD_WORDS);
    }
    if (alloc_arenas(p, p->init) != 0 || alloc_arenas(p, p->got) != 0 || alloc_arenas(p, p->ref) != 0) {
        snprintf(err, errlen, "out of memory laying out %s", vae_op_name(c->kind));
        return -1;
    }
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        for (uint32_t i = 0; i < p->words[a]; i++)
            p->init[a][i] = GUARD_PATTERN ^ (i * 2654435761u);
    for (int k = 0; k < nt; k++)
        selftest_fill(c, &p->op, k, p->init[p->op.t[k].arena] + p->op.t[k].offset, &seed);
    return 0;
}

/* Runs the op on be from p's initial arenas; out gets the final arenas. */
static int run_on(vae_backend *be, const one_op *p, uint32_t *out[VAE_ARENA_COUNT]) {
    if (be->vt->alloc_arenas(be, p->words) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        vae_tensor all = {(uint32_t)a, 0, p->words[a]};
        if (be->vt->write(be, all, p->init[a]) != 0)
            return -1;
    }
    vae_program prog = {(vae_op *)&p->op, 1, 1};
    if (vae_backend_run_program(be, &prog) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        vae_tensor all = {(uint32_t)a, 0, p->words[a]};
        if (be->vt->read(be, all, out[a]) != 0)
            return -1;
    }
    return 0;
}

static int inside_output(const selftest_case *c, const one_op *p, int a, uint32_t i) {
    const vae_op_info *info = vae_op_info_of(c->kind);
    for (int k = 0; k < info->tensors; k++) {
        vae_tensor t = p->op.t[k];
        if ((info->writes >> k & 1) && (int)t.arena == a && i >= t.offset && i < t.offset + t.count)
            return 1;
    }
    return 0;
}

/* Worst figures over the outputs, and the words changed outside them. */
static void judge(const selftest_case *c, const one_op *p, vae_selftest_op_result *r) {
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        for (uint32_t i = 0; i < p->words[a]; i++)
            if (!inside_output(c, p, a, i) && p->got[a][i] != p->init[a][i])
                r->changed_outside++;
    const vae_op_info *info = vae_op_info_of(c->kind);
    for (int k = 0; k < info->tensors; k++) {
        if (!(info->writes >> k & 1))
            continue;
        vae_tensor t = p->op.t[k];
        vae_selftest_diff d = vae_selftest_compare((const float *)p->got[t.arena] + t.offset,
                                                   (const float *)p->ref[t.arena] + t.offset, t.count);
        r->outputs++;
        r->values += t.count;
        r->diff.nmse = d.nmse > r->diff.nmse ? d.nmse : r->diff.nmse;
        r->diff.max_abs = d.max_abs > r->diff.max_abs ? d.max_abs : r->diff.max_abs;
        r->diff.max_ulp = d.max_ulp > r->diff.max_ulp ? d.max_ulp : r->diff.max_ulp;
        r->diff.inexact += d.inexact;
        r->diff.special_diff += d.special_diff;
    }
    r->nan_match = r->diff.special_diff == 0;
    r->guards_ok = r->changed_outside == 0;
    r->exact_ok = !info->exact || r->diff.inexact == 0;
    r->pass = r->nan_match && r->guards_ok && r->exact_ok && r->diff.nmse <= VAE_SELFTEST_OP_NMSE;
}

static void run_case(const selftest_case *c, uint64_t seed, vae_backend *be, vae_backend *ref,
                     vae_selftest_op_result *r) {
    one_op p;
    memset(r, 0, sizeof *r);
    r->specials = c->specials;
    r->exact_expected = vae_op_info_of(c->kind) ? vae_op_info_of(c->kind)->exact : 0;
    int status = lay_out(c, &p, seed, r->error, sizeof r->error);
    r->op = p.op;
    vae_op_sizes_text(&p.op, r->sizes, sizeof r->sizes);
    if (status == 0) {
        if (run_on(be, &p, p.got) != 0)
            snprintf(r->error, sizeof r->error, "%s: %s", be->name, be->error);
        else if (run_on(ref, &p, p.ref) != 0)
            snprintf(r->error, sizeof r->error, "%s: %s", ref->name, ref->error);
        else
            judge(c, &p, r);
    }
    free_one_op(&p);
}

void vae_selftest_op(vae_backend *be, vae_backend *ref, const vae_op *op, int specials, uint64_t seed,
                     vae_selftest_op_result *r) {
    selftest_case c = {op->kind, {0}, {0}, specials, op->precision};
    memcpy(c.d, op->d, sizeof c.d);
    memcpy(c.f, op->f, sizeof c.f);
    run_case(&c, seed, be, ref, r);
}

/* Mixed cases run where both backends compute mixed products. */
static int runs_case(const selftest_case *c, const vae_backend *be, const vae_backend *ref) {
    return c->precision == VAE_PRECISION_FP32 ||
           (be->mixed != VAE_MIXED_NONE && ref->mixed != VAE_MIXED_NONE);
}

int vae_selftest_op_count(const vae_backend *be, const vae_backend *ref) {
    int n = 0;
    for (int i = 0; i < selftest_case_count; i++)
        n += runs_case(&selftest_cases[i], be, ref);
    return n;
}

int vae_selftest_ops(vae_backend *be, vae_backend *ref, vae_selftest_op_fn fn, void *ctx) {
    int fails = 0;
    for (int i = 0; i < selftest_case_count; i++) {
        if (!runs_case(&selftest_cases[i], be, ref))
            continue;
        vae_selftest_op_result r;
        run_case(&selftest_cases[i], 1000 + (uint64_t)i, be, ref, &r);
        fails += !r.pass;
        if (fn)
            fn(ctx, &r);
    }
    return fails;
}
