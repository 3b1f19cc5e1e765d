#include "viz/aggregate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/backend.h"

#define LOG_2PI 1.8378770664093453

void viz_aggregate_log_density_ref(const float *z, long S, const float *mu, const float *log_var, long N, int L,
                                   double *log_q) {
    for (long s = 0; s < S; s++) {
        const float *zs = z + (size_t)s * L;
        double best = -INFINITY, sum = 0; /* a running log-sum-exp: sum of exp(e - best) */
        for (long n = 0; n < N; n++) {
            const float *m = mu + (size_t)n * L, *lv = log_var + (size_t)n * L;
            double e = 0;
            for (int d = 0; d < L; d++) {
                double diff = (double)zs[d] - m[d];
                e += diff * diff * exp(-(double)lv[d]) + lv[d] + LOG_2PI;
            }
            e *= -0.5;
            if (e == -INFINITY)
                continue; /* no mass here: adds nothing (and exp(-inf - -inf) would be NaN) */
            if (e > best) {
                sum = sum * exp(best - e) + 1;
                best = e;
            } else {
                sum += exp(e - best);
            }
        }
        log_q[s] = best + log(sum) - log((double)N);
    }
}

/* ---- on the backend: VAE_OP_AGGREGATE_LOG_DENSITY (vaevk/program.h).
 *
 * The op needs tensors the trainer's layout does not have, so they are laid
 * out in its activations arena, which holds nothing between calls (encoding,
 * decoding and validation reuse it the same way). What does not fit is done
 * in pieces: the Gaussians in ops of at most OP_GAUSSIANS each, as many ops
 * per program as fit (their outputs are separate, so a GPU runs them side by
 * side), the points in chunks of at most CHUNK_POINTS. Each op gives the
 * log-density of its own mixture; the host adds them up in double as a
 * running log-sum-exp per point. */

#define OP_GAUSSIANS 2048
#define CHUNK_POINTS 8192
#define MAX_OPS 64

typedef struct {
    long n_op;  /* Gaussians per op */
    long chunk; /* points per program */
    long ops;   /* ops per program: Gaussians resident at once = ops · n_op */
} agg_plan;

static uint64_t aligned(uint64_t words) {
    return (words + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
}

/* Words a program of p's shape takes: z, then each op's mu, log_var, out. */
static uint64_t plan_words(const agg_plan *p, int L) {
    return aligned((uint64_t)p->chunk * L) +
           (uint64_t)p->ops * (2 * aligned((uint64_t)p->n_op * L) + aligned((uint64_t)p->chunk));
}

/* The largest pieces that fit `words` with no tensor over `max_bytes` (0:
 * any): all the Gaussians' ops if they fit, else fewer; halving the op and
 * the chunk only when even one op does not fit. */
static int plan_pieces(long S, long N, int L, uint64_t words, uint64_t max_bytes, agg_plan *p) {
    p->n_op = N < OP_GAUSSIANS ? N : OP_GAUSSIANS;
    p->chunk = S < CHUNK_POINTS ? S : CHUNK_POINTS;
    for (;;) {
        int too_big = max_bytes && (uint64_t)(p->n_op > p->chunk ? p->n_op : p->chunk) * L * 4 > max_bytes;
        p->ops = 1;
        if (!too_big && plan_words(p, L) <= words) {
            long all = (N + p->n_op - 1) / p->n_op;
            p->ops = all < MAX_OPS ? all : MAX_OPS;
            while (p->ops > 1 && plan_words(p, L) > words)
                p->ops = (p->ops + 1) / 2;
            return 0;
        }
        if (p->n_op == 1 && p->chunk == 1)
            return -1;
        if (p->n_op >= p->chunk)
            p->n_op = (p->n_op + 1) / 2;
        else
            p->chunk = (p->chunk + 1) / 2;
    }
}

/* One program: op k takes Gaussians [g0 + k·n_op, ...) of the `gaussians`
 * from g0, against `points` points. Tensors from word 0 of ACTS. */
typedef struct {
    vae_program prog;
    vae_op ops[MAX_OPS];
    vae_tensor z;
} agg_program;

/* The next tensor of `count` words in a slot of `slot` words. */
static vae_tensor take(uint64_t *next, uint64_t count, uint64_t slot) {
    vae_tensor t = {VAE_ARENA_ACTS, (uint32_t)*next, (uint32_t)count};
    *next += aligned(slot);
    return t;
}

/* Every tensor has the slot of a full op and chunk, so the Gaussians stay
 * where they were written for every chunk of points. */
static void build(agg_program *a, long points, long gaussians, const agg_plan *p, int L) {
    uint64_t next = 0;
    a->z = take(&next, (uint64_t)points * L, (uint64_t)p->chunk * L);
    int count = 0;
    for (long g = 0; g < gaussians; g += p->n_op, count++) {
        long n = gaussians - g < p->n_op ? gaussians - g : p->n_op;
        vae_op *op = &a->ops[count];
        memset(op, 0, sizeof *op);
        op->kind = VAE_OP_AGGREGATE_LOG_DENSITY;
        op->d[0] = (int32_t)points, op->d[1] = (int32_t)n, op->d[2] = L;
        op->t[1] = a->z;
        op->t[2] = take(&next, (uint64_t)n * L, (uint64_t)p->n_op * L);
        op->t[3] = take(&next, (uint64_t)n * L, (uint64_t)p->n_op * L);
        op->t[0] = take(&next, (uint64_t)points, (uint64_t)p->chunk);
    }
    a->prog = (vae_program){a->ops, count, count};
}

/* The op's log-density of its n Gaussians, o = log((1/n) Σ exp e), into a
 * point's running log-sum-exp (best, sum = Σ exp(e - best)) over all N. */
static void add_op(double *best, double *sum, float o, long n) {
    double e = (double)o + log((double)n);
    if (e == -INFINITY)
        return;
    if (e > *best) {
        *sum = *sum * exp(*best - e) + 1.0;
        *best = e;
    } else {
        *sum += exp(e - *best);
    }
}

/* The Gaussians [g0, g0 + gaussians) into their ops' tensors. */
static int write_gaussians(vae_backend *be, const agg_program *a, const float *mu, const float *log_var,
                           long g0, const agg_plan *p, int L) {
    for (int k = 0; k < a->prog.count; k++) {
        size_t first = (size_t)(g0 + (long)k * p->n_op) * L;
        if (be->vt->write(be, a->ops[k].t[2], mu + first) != 0 ||
            be->vt->write(be, a->ops[k].t[3], log_var + first) != 0)
            return -1;
    }
    return 0;
}

/* Points [s0, s0 + points) against the Gaussians in place: each op's
 * log-density into the points' running sums. */
static int run_chunk(vae_backend *be, const agg_program *a, vae_recording *rec, const float *z, long s0,
                     long points, int L, float *out, double *best, double *sum) {
    if (be->vt->write(be, a->z, z + (size_t)s0 * L) != 0 || vae_backend_run(be, rec) != 0)
        return -1;
    for (int k = 0; k < a->prog.count; k++) {
        if (be->vt->read(be, a->ops[k].t[0], out) != 0)
            return -1;
        for (long i = 0; i < points; i++)
            add_op(&best[s0 + i], &sum[s0 + i], out[i], a->ops[k].d[1]);
    }
    return 0;
}

/* Every chunk of points against the Gaussians [g0, g0 + gaussians). */
static int run_block(vae_backend *be, const float *z, long S, const float *mu, const float *log_var,
                     long g0, long gaussians, int L, const agg_plan *p, float *out, double *best,
                     double *sum) {
    agg_program a;
    vae_recording *rec = NULL;
    long recorded = 0; /* the points rec was made for */
    int status = 0;
    for (long s0 = 0; status == 0 && s0 < S; s0 += p->chunk) {
        long points = S - s0 < p->chunk ? S - s0 : p->chunk;
        build(&a, points, gaussians, p, L);
        if (s0 == 0)
            status = write_gaussians(be, &a, mu, log_var, g0, p, L);
        if (status == 0 && points != recorded) {
            if (rec)
                be->vt->free_recording(be, rec);
            rec = NULL;
            status = be->vt->record(be, &a.prog, &rec);
            recorded = points;
        }
        if (status == 0)
            status = run_chunk(be, &a, rec, z, s0, points, L, out, best, sum);
    }
    if (rec)
        be->vt->free_recording(be, rec);
    return status;
}

int viz_aggregate_log_density(vae_trainer *t, const float *z, long S, const float *mu, const float *log_var,
                              long N, int L, double *log_q, char *err, size_t errlen) {
    vae_backend *be = t->be;
    agg_plan p;
    if (S < 1 || N < 1 || L < 1 || N > INT32_MAX || S > INT32_MAX) {
        snprintf(err, errlen, "aggregate log-density: %ld points, %ld Gaussians of %d dimensions", S, N, L);
        return -1;
    }
    if (t->in_flight) {
        snprintf(err, errlen, "aggregate log-density: training steps are still in flight");
        return -1;
    }
    if (plan_pieces(S, N, L, t->lay.arena_words[VAE_ARENA_ACTS], be->max_tensor_bytes, &p) != 0) {
        snprintf(err, errlen, "aggregate log-density: %d dimensions do not fit %s's activations arena", L,
                 be->name);
        return -1;
    }
    double *best = malloc((size_t)S * sizeof *best), *sum = malloc((size_t)S * sizeof *sum);
    float *out = malloc((size_t)p.chunk * sizeof *out);
    int status = best && sum && out ? 0 : -1;
    if (status != 0)
        snprintf(be->error, sizeof be->error, "out of memory");
    for (long s = 0; status == 0 && s < S; s++)
        best[s] = -INFINITY, sum[s] = 0.0;
    for (long g0 = 0; status == 0 && g0 < N; g0 += p.ops * p.n_op) {
        long gaussians = N - g0 < p.ops * p.n_op ? N - g0 : p.ops * p.n_op;
        status = run_block(be, z, S, mu, log_var, g0, gaussians, L, &p, out, best, sum);
    }
    for (long s = 0; status == 0 && s < S; s++)
        log_q[s] = best[s] + log(sum[s]) - log((double)N);
    if (status != 0)
        snprintf(err, errlen, "aggregate log-density on %s: %s", be->name, be->error);
    free(best);
    free(sum);
    free(out);
    return status;
}
