/* The explicit route's dispatches (vk_im2col.h): per batch chunk, the
 * layout kernels (shaders/im2col.glsl), the GEMM (vk_gemm_call.h) and
 * whatever adds its copies and applies the epilogue. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_im2col.h"
#include "vk/vk_plan.h"

_Static_assert(VK_IM2COL_MAX_DISPATCHES <= VK_DISPATCHES_PER_OP, "an op's dispatches must fit vk_plan_op's array");

/* What every dispatch of one chunk shares. */
typedef struct {
    vk_backend *b;
    const vae_op *op;
    const vk_epilogue *e;
    const vk_im2col *x;
    const vk_gemm_call *g;
    vk_gemm_push push;  /* the sides, this chunk's images, the GEMM's copies */
    char *err;
    size_t errlen;
} chunk;

static vk_access region(vk_region r, int written) {
    return (vk_access){VK_SCRATCH_BUFFER, r.offset, r.offset + r.words, written};
}

static vk_access tensor(const chunk *c, int which, int written) {
    return vk_tensor_access(c->op->t[c->x->tensor[which]], written);
}

/* A layout kernel over `items` items with bindings bind[0..nbind). */
static int layout(const chunk *c, vk_layout_kernel k, uint64_t items, const vk_access *bind, uint32_t nbind,
                  vk_dispatch *d) {
    const VkPhysicalDeviceLimits *l = &c->b->ctx.props.limits;
    uint32_t ls = vk_pick_local_size(l, 256, 0);
    int epilogue = (k == VK_FROM_CN || k == VK_COL2IM) && c->push.epilogue != 0;
    const uint32_t spec[VK_MAX_SPEC] = {ls, 0, 0, 0, 0, (uint32_t)epilogue, 0};
    if (vk_dispatch_pipeline(c->b, &vk_layout_shaders[k], spec, nbind, sizeof c->push, d, c->err, c->errlen) != 0)
        return -1;
    memcpy(d->push, &c->push, sizeof c->push);
    memcpy(d->bind, bind, nbind * sizeof *bind);
    d->groups[0] = vk_groups_for(l, items, ls);
    d->groups[1] = d->groups[2] = 1;
    snprintf(d->label, sizeof d->label, "%s %s images %u-%u", vae_op_name(c->op->kind), vk_layout_shaders[k].name,
             c->push.b0, c->push.b0 + c->push.nb - 1);
    return 0;
}

/* from_cn or col2im: `out` from the GEMM's copies in `in`, with the epilogue. */
static int finish(const chunk *c, vk_layout_kernel k, uint64_t items, vk_access out, vk_access in, vk_dispatch *d) {
    const vk_epilogue *e = c->e;
    vk_access bind[5] = {out, in, in, e->bits & VK_EPI_BIAS ? vk_tensor_access(e->bias, 0) : in,
                         e->bits >> VK_EPI_ACT_SHIFT ? vk_tensor_access(e->act, 1) : out};
    return layout(c, k, items, bind, 5, d);
}

static int gemm(const chunk *c, vk_access out, vk_access a, vk_access bm, vk_dispatch *d) {
    return vk_gemm_call_dispatch(c->b, c->g, c->x->route, &c->b->coopmat_cfg, out, a, bm, d, c->err, c->errlen);
}

/* gather: im2col; CN = w·COL; from_cn. */
static int gather(const chunk *c, vk_dispatch *d) {
    const vk_gemm_push *s = &c->push;
    uint64_t cols = (uint64_t)s->nb * s->Hs * s->Ws;
    vk_access col = region(c->x->col, 1), cn = region(c->x->cn, 1);
    vk_access im2col_bind[2] = {col, tensor(c, 1, 0)};
    if (layout(c, VK_IM2COL, cols * s->Cb * 16, im2col_bind, 2, &d[0]) != 0 ||
        gemm(c, cn, tensor(c, 2, 0), col, &d[1]) != 0)
        return -1;
    cn.written = 0;
    return finish(c, VK_FROM_CN, cols * s->Cs, tensor(c, 0, 1), cn, &d[2]) == 0 ? 3 : -1;
}

/* scatter: to_cn; COL = wᵀ·CN; col2im. */
static int scatter(const chunk *c, vk_dispatch *d) {
    const vk_gemm_push *s = &c->push;
    uint64_t cols = (uint64_t)s->nb * s->Hs * s->Ws;
    vk_access col = region(c->x->col, 1), cn = region(c->x->cn, 1);
    vk_access to_cn_bind[2] = {cn, tensor(c, 1, 0)};
    cn.written = 0;
    if (layout(c, VK_TO_CN, cols * s->Cs, to_cn_bind, 2, &d[0]) != 0 ||
        gemm(c, col, tensor(c, 2, 0), cn, &d[1]) != 0)
        return -1;
    col.written = 0;
    return finish(c, VK_COL2IM, (uint64_t)s->nb * s->Cb * s->Hb * s->Wb, tensor(c, 0, 1), col, &d[2]) == 0 ? 3 : -1;
}

/* split_sum: `out` (+)= the GEMM's copies in part, with the epilogue. */
static int add_copies(const chunk *c, vk_access out, int accumulate, uint32_t epi_c, vk_dispatch *d) {
    vk_gemm_push q = c->push;
    q.accumulate = (uint32_t)accumulate;
    q.epi_c = epi_c, q.epi_n = 1;
    const vk_epilogue *e = c->e;
    vk_access part = region(c->x->part, 0);
    vk_access epi[2] = {e->bits & VK_EPI_BIAS ? vk_tensor_access(e->bias, 0) : part,
                        e->bits >> VK_EPI_ACT_SHIFT ? vk_tensor_access(e->act, 1) : out};
    uint64_t need = 0;
    return vk_plan_split_sum(c->b, &q, out, part, e->bits ? epi : NULL, &need, d, c->err, c->errlen);
}

/* weight: to_cn; im2col; dw (+)= CN·COLᵀ, through split_sum unless direct. */
static int weight(const chunk *c, int first, vk_dispatch *d) {
    const vk_gemm_push *s = &c->push;
    uint64_t cols = (uint64_t)s->nb * s->Hs * s->Ws;
    vk_access col = region(c->x->col, 1), cn = region(c->x->cn, 1), dw = tensor(c, 0, 1);
    vk_access to_cn_bind[2] = {cn, tensor(c, 1, 0)}, im2col_bind[2] = {col, tensor(c, 2, 0)};
    if (layout(c, VK_TO_CN, cols * s->Cs, to_cn_bind, 2, &d[0]) != 0 ||
        layout(c, VK_IM2COL, cols * s->Cb * 16, im2col_bind, 2, &d[1]) != 0)
        return -1;
    cn.written = col.written = 0;
    if (gemm(c, c->x->direct ? dw : region(c->x->part, 1), cn, col, &d[2]) != 0)
        return -1;
    if (c->x->direct)
        return 3;
    return add_copies(c, dw, !first, 1, &d[3]) == 0 ? 4 : -1;
}

/* linear: one GEMM, through split_sum unless direct. */
static int linear(const chunk *c, vk_dispatch *d) {
    const vae_op *op = c->op;
    vae_pass pass = vae_op_info_of(op->kind)->pass;
    vk_access out = vk_tensor_access(op->t[0], 1);
    vk_access a = vk_tensor_access(op->t[1], 0), bm = vk_tensor_access(op->t[2], 0);
    if (gemm(c, c->x->direct ? out : region(c->x->part, 1), a, bm, &d[0]) != 0)
        return -1;
    if (c->x->direct)
        return 1;
    int accumulate = pass == VAE_PASS_BACKWARD_INPUT && op->d[3] != 0;
    uint32_t channels = pass == VAE_PASS_FORWARD ? (uint32_t)op->d[2] : 1; /* y (B,O): word i is output i % O */
    return add_copies(c, out, accumulate, channels, &d[1]) == 0 ? 2 : -1;
}

int vk_plan_explicit(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_route route, vk_dispatch *out,
                     uint64_t *scratch_words, char *err, size_t errlen) {
    vk_im2col x;
    if (vk_im2col_size(op, route, &b->coopmat_cfg, &b->ctx.props, b->route_env.chunk_images, e->bits, &x, err,
                       errlen) != 0)
        return -1;
    if (x.scratch_words > *scratch_words)
        *scratch_words = x.scratch_words;
    int n = 0;
    for (uint32_t k = 0; k < x.chunks; k++) {
        vk_gemm_call g;
        if (vk_im2col_chunk_gemm(&x, op, k, &b->coopmat_cfg, &b->ctx.props, &g, err, errlen) != 0)
            return -1;
        chunk c = {b, op, e, &x, &g, x.geo, err, errlen};
        c.push.b0 = k * x.chunk_images, c.push.nb = vk_im2col_chunk_images(&x, k);
        c.push.splits = g.splits, c.push.count = g.M * g.N;
        c.push.accumulate = 0, c.push.epilogue = e->bits, c.push.slope = e->slope;
        int made;
        switch (x.kind) {
        case VK_IM2COL_GATHER: made = gather(&c, out + n); break;
        case VK_IM2COL_SCATTER: made = scatter(&c, out + n); break;
        case VK_IM2COL_WEIGHT: made = weight(&c, k == 0, out + n); break;
        default: made = linear(&c, out + n); break;
        }
        if (made < 0)
            return -1;
        n += made;
    }
    return n;
}
