/* The Vulkan backend's machinery, against the CPU reference where there is
 * a result: arenas (zero-filled, write/read round trips), a multi-op program
 * whose ops depend on each other (the barriers between dispatches), a
 * recording replayed many times and recordings queued back to back, and the
 * errors a caller can provoke. Run under the validation layer. */
#include "vk_check.h"

#include "vaevk/ops.h"

static int fails;

static void expect(int ok, const char *what, const char *detail) {
    /* the detail (often be->error) is the figure or message checked */
    printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    fails += !ok;
}

static const uint32_t words[VAE_ARENA_COUNT] = {256, 320, 64, 64, 1024, 128};

static void check_arenas(vae_backend *be) {
    uint64_t rng = 1;
    if (be->vt->alloc_arenas(be, words) != 0)
        expect(0, "alloc_arenas", be->error);
    size_t nonzero = 0, mismatched = 0;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        uint32_t *back = test_alloc(words[a] * 4), *data = test_alloc(words[a] * 4);
        vae_tensor all = {(uint32_t)a, 0, words[a]}, part = {(uint32_t)a, 64, 37};
        be->vt->read(be, all, back);
        for (uint32_t i = 0; i < words[a]; i++)
            nonzero += back[i] != 0;
        for (uint32_t i = 0; i < words[a]; i++)
            data[i] = (uint32_t)test_next(&rng);
        be->vt->write(be, all, data);
        be->vt->write(be, part, data); /* words 64..100 now hold data[0..36] */
        be->vt->read(be, all, back);
        for (uint32_t i = 0; i < words[a]; i++)
            mismatched += back[i] != (i >= 64 && i < 101 ? data[i - 64] : data[i]);
        free(back);
        free(data);
    }
    char detail[96];
    snprintf(detail, sizeof detail, "%zu nonzero words after alloc, %zu words read back wrong", nonzero,
             mismatched);
    expect(nonzero == 0 && mismatched == 0, "arenas zero-filled and round-trip", detail);
}

/* y = leaky(x + b + b) then dx = leaky'(dy) with dy = y, in place: each op
 * reads what the one before wrote (read-after-write, write-after-read). */
static const vae_tensor x = {VAE_ARENA_ACTS, 0, 300}, y = {VAE_ARENA_ACTS, 320, 300},
                        b = {VAE_ARENA_PARAMS, 0, 10}, db = {VAE_ARENA_GRADS, 0, 10};

static void chain(vae_program *p) {
    vae_op bias = {.kind = VAE_OP_BIAS_FWD, .t = {x, b}, .d = {3, 10, 10}};
    vae_op leaky = {.kind = VAE_OP_LEAKY_RELU_FWD, .t = {y, x}, .d = {300}, .f = {0.2f}};
    vae_op back = {.kind = VAE_OP_LEAKY_RELU_BWD, .t = {y, y, x}, .d = {300}, .f = {0.2f}};
    vae_op red = {.kind = VAE_OP_BIAS_BWD, .t = {db, y}, .d = {3, 10, 10}};
    vae_program_push(p, &bias);
    vae_program_push(p, &bias);
    vae_program_push(p, &leaky);
    vae_program_push(p, &back);
    vae_program_push(p, &red);
}

/* Runs the chain `replays` times from the same start on be; y and db out. */
static int run_chain(vae_backend *be, int replays, float *y_out, float *db_out) {
    float xs[300], bs[10];
    uint64_t rng = 7;
    for (int i = 0; i < 300; i++)
        xs[i] = vkt_uniform(&rng, -1, 1);
    for (int i = 0; i < 10; i++)
        bs[i] = vkt_uniform(&rng, -0.1f, 0.1f);
    vae_program p = {0};
    chain(&p);
    vae_recording *rec = NULL;
    int status = be->vt->alloc_arenas(be, words) || be->vt->write(be, x, xs) || be->vt->write(be, b, bs) ||
                 be->vt->record(be, &p, &rec);
    for (int r = 0; r < replays && !status; r++)
        status = vae_backend_run(be, rec);
    status = status || be->vt->read(be, y, y_out) || be->vt->read(be, db, db_out);
    be->vt->free_recording(be, rec);
    vae_program_free(&p);
    return status;
}

static void check_chain(vae_backend *gpu, vae_backend *cpu, int replays) {
    float gy[300], gdb[10], cy[300], cdb[10];
    char detail[160];
    if (run_chain(gpu, replays, gy, gdb) != 0 || run_chain(cpu, replays, cy, cdb) != 0) {
        expect(0, "chained program", gpu->error);
        return;
    }
    vae_selftest_diff dy = vae_selftest_compare(gy, cy, 300), ddb = vae_selftest_compare(gdb, cdb, 10);
    snprintf(detail, sizeof detail, "%d replays: y %zu/300 inexact, db nmse %.2e", replays, dy.inexact,
             ddb.nmse);
    /* y is + and × only: identical bits; db sums 30 terms (fp32 vs double) */
    expect(dy.inexact == 0 && ddb.nmse <= 1e-10, "chained program, replayed", detail);
}

/* Two recordings queued without waiting in between: the second must see
 * the first's writes (recordings run in submission order). */
static void check_queued(vae_backend *be) {
    vae_tensor v = {VAE_ARENA_ACTS, 0, 64}, one = {VAE_ARENA_PARAMS, 0, 1};
    vae_op add = {.kind = VAE_OP_BIAS_FWD, .t = {v, one}, .d = {1, 1, 64}};
    vae_program p = {0};
    vae_program_push(&p, &add);
    vae_recording *r1 = NULL, *r2 = NULL;
    float onef = 1.0f, out[64];
    int status = be->vt->alloc_arenas(be, words) || be->vt->write(be, one, &onef) ||
                 be->vt->record(be, &p, &r1) || be->vt->record(be, &p, &r2);
    for (int i = 0; i < 10 && !status; i++)
        status = be->vt->submit(be, r1) || be->vt->submit(be, r2) || be->vt->wait(be, r1) ||
                 be->vt->wait(be, r2);
    status = status || be->vt->read(be, v, out);
    int ok = !status;
    for (int i = 0; i < 64 && ok; i++)
        ok = out[i] == 20.0f;
    expect(ok, "two recordings queued back to back, 10 times: every value 20", status ? be->error : NULL);
    /* a recording cannot be queued twice at once */
    status = be->vt->submit(be, r1);
    int again = be->vt->submit(be, r1);
    expect(status == 0 && again != 0, "second submit before wait refused", be->error);
    expect(be->vt->wait(be, r1) == 0 && be->vt->wait(be, r1) == 0, "wait, then wait again", NULL);
    /* new arenas make old recordings stale */
    be->vt->alloc_arenas(be, words);
    expect(be->vt->submit(be, r2) != 0, "recording older than alloc_arenas refused", be->error);
    be->vt->free_recording(be, r1);
    be->vt->free_recording(be, r2);
    vae_program_free(&p);
}

static void expect_record_error(vae_backend *be, const vae_op *op, const char *what, const char *needle) {
    vae_program p = {(vae_op *)op, 1, 1};
    vae_recording *rec = NULL;
    int status = be->vt->record(be, &p, &rec);
    be->vt->free_recording(be, rec);
    expect(status != 0 && rec == NULL && strstr(be->error, needle) != NULL, what, be->error);
}

static void check_errors(vae_backend *be) {
    be->vt->alloc_arenas(be, words);
    vae_tensor a = {VAE_ARENA_ACTS, 0, 64}, outside = {VAE_ARENA_ACTS, 1000, 64};
    vae_op op = {.kind = VAE_OP_RELU_FWD, .t = {a, outside}, .d = {64}};
    expect_record_error(be, &op, "tensor outside its arena refused", "outside");
    op.t[1] = (vae_tensor){VAE_ARENA_ACTS, 64, 32};
    expect_record_error(be, &op, "tensor smaller than its op's sizes refused", "need");
    op.t[1] = (vae_tensor){VAE_ARENA_ACTS, 65, 64};
    expect_record_error(be, &op, "offset off the alignment refused", "Alignment");
    op.t[1] = (vae_tensor){VAE_ARENA_COUNT, 0, 64};
    expect_record_error(be, &op, "unknown arena refused", "arena");
    op.t[1] = (vae_tensor){VAE_ARENA_ACTS, 64, 64};
    op.d[0] = 0;
    expect_record_error(be, &op, "zero size refused", "positive");
    op.kind = VAE_OP_COUNT;
    expect_record_error(be, &op, "unknown op kind refused", "unknown");
    float buf[64] = {0};
    expect(be->vt->write(be, outside, buf) != 0, "write outside an arena refused", be->error);
    expect(be->vt->read(be, outside, buf) != 0, "read outside an arena refused", be->error);
    vae_program empty = {0};
    int status = vae_backend_run_program(be, &empty);
    expect(status == 0, "empty program runs", status ? be->error : NULL);
}

/* A tensor above maxStorageBufferRange (128 MiB on lavapipe) is refused
 * with the limit named. Skipped where the limit is over 256 MiB. */
static void check_range_limit(vae_backend *be) {
    vae_vk_device_info *d = NULL;
    int n = 0;
    char err[256];
    vae_vk_list_devices(&d, &n, err, sizeof err);
    uint32_t range = n > 0 ? d[vae_vk_best_device()].max_storage_buffer_range : 0;
    free(d);
    if (range == 0 || range > (256u << 20)) {
        printf("skip maxStorageBufferRange check (limit %u bytes)\n", range);
        return;
    }
    uint32_t big = range / 4 + 64, w[VAE_ARENA_COUNT] = {64, 64, 64, 64, big + 64, 64};
    if (be->vt->alloc_arenas(be, w) != 0) {
        expect(0, "alloc a big activation arena", be->error);
        return;
    }
    vae_tensor small = {VAE_ARENA_ACTS, 0, 64}, huge = {VAE_ARENA_ACTS, 64, big};
    vae_op op = {.kind = VAE_OP_RELU_FWD, .t = {small, huge}, .d = {64}};
    expect_record_error(be, &op, "tensor above maxStorageBufferRange refused", "maxStorageBufferRange");
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    check_arenas(gpu);
    check_chain(gpu, cpu, 1);
    check_chain(gpu, cpu, 5);
    check_queued(gpu);
    check_errors(gpu);
    check_range_limit(gpu);
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
