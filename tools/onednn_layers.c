/* The convolutions of the full model's training step in oneDNN (the library
 * PyTorch uses for CPU convolutions), at their best: every forward,
 * backward-data and backward-weights primitive created once with oneDNN
 * choosing the activation and weight layouts ("any": its blocked formats),
 * operands already in those layouts, so no reorders are timed. The sum is
 * what a backend built on oneDNN would spend on convolutions alone, to
 * compare with `vae-vk bench --device cpu`, whose time also covers the
 * linear layers, the element-wise ops and Adam.
 *
 *   tools/bench_onednn.sh [BATCH]      (needs Debian's libdnnl-dev) */
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(call)                                                                     \
    do {                                                                                \
        dnnl_status_t status_ = (call);                                                 \
        if (status_ != dnnl_success) {                                                  \
            fprintf(stderr, "onednn_layers: %s failed (%d), line %d\n", #call, status_, __LINE__); \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static double total_seconds, total_flops;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void desc4(dnnl_memory_desc_t *md, int a, int b, int c, int d, dnnl_format_tag_t tag) {
    dnnl_dims_t dims = {a, b, c, d};
    CHECK(dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag));
}

static dnnl_memory_t memory_for(const_dnnl_primitive_desc_t pd, dnnl_query_t what) {
    dnnl_memory_t m;
    CHECK(dnnl_memory_create(&m, dnnl_primitive_desc_query_md(pd, what, 0), engine, DNNL_MEMORY_ALLOCATE));
    return m;
}

/* Best of 5 runs after one warm-up. */
static void time_primitive(const char *what, const_dnnl_primitive_desc_t pd, int nargs, dnnl_exec_arg_t *args,
                           double flops) {
    dnnl_primitive_t p;
    const char *impl = "?";
    CHECK(dnnl_primitive_create(&p, pd));
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    CHECK(dnnl_primitive_execute(p, stream, nargs, args));
    CHECK(dnnl_stream_wait(stream));
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t = now();
        CHECK(dnnl_primitive_execute(p, stream, nargs, args));
        CHECK(dnnl_stream_wait(stream));
        t = now() - t;
        best = t < best ? t : best;
    }
    printf("%-34s %-14s %8.2f ms %7.1f GFLOP/s\n", what, impl, best * 1e3, flops / best * 1e-9);
    total_seconds += best;
    total_flops += flops;
    dnnl_primitive_destroy(p);
    for (int i = 0; i < nargs; i++)
        dnnl_memory_destroy(args[i].memory);
}

/* One layer's three products; `in` is the (H, H) side, transposed layers
 * double it. The image's 3 channels stay NCHW, as the model's input and
 * output are. The first layer needs no gradient of the image. */
static void layer(int B, int Cin, int H, int Cout, int transposed) {
    const int Ho = transposed ? 2 * H : H / 2;
    const dnnl_format_tag_t any = dnnl_format_tag_any;
    dnnl_memory_desc_t src, wei, dst;
    desc4(&src, B, Cin, H, H, Cin == 3 ? dnnl_nchw : any);
    desc4(&dst, B, Cout, Ho, Ho, Cout == 3 ? dnnl_nchw : any);
    desc4(&wei, Cout, Cin, 4, 4, any);
    dnnl_dims_t strides = {2, 2}, pad = {1, 1};
    const double flops = 2.0 * B * Cin * Cout * 16 * (transposed ? H * H : Ho * Ho);
    const char *name = transposed ? "conv_transpose2d" : "conv2d";
    char what[96];
    dnnl_convolution_desc_t cd;
    dnnl_deconvolution_desc_t dd;
    const void *desc = transposed ? (const void *)&dd : (const void *)&cd;
    dnnl_primitive_desc_t fwd, pd;

    if (transposed)
        CHECK(dnnl_deconvolution_forward_desc_init(&dd, dnnl_forward_training, dnnl_deconvolution_direct, &src,
                                                   &wei, NULL, &dst, strides, pad, pad));
    else
        CHECK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, dnnl_convolution_direct, &src, &wei,
                                                 NULL, &dst, strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&fwd, desc, NULL, engine, NULL));
    dnnl_exec_arg_t f[3] = {{DNNL_ARG_SRC, memory_for(fwd, dnnl_query_src_md)},
                            {DNNL_ARG_WEIGHTS, memory_for(fwd, dnnl_query_weights_md)},
                            {DNNL_ARG_DST, memory_for(fwd, dnnl_query_dst_md)}};
    snprintf(what, sizeof what, "%s fwd %d->%d @%d", name, Cin, Cout, H);
    time_primitive(what, fwd, 3, f, flops);

    if (!(Cin == 3 && !transposed)) {
        if (transposed)
            CHECK(dnnl_deconvolution_backward_data_desc_init(&dd, dnnl_deconvolution_direct, &src, &wei, &dst,
                                                             strides, pad, pad));
        else
            CHECK(dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &src, &wei, &dst, strides,
                                                           pad, pad));
        CHECK(dnnl_primitive_desc_create(&pd, desc, NULL, engine, fwd));
        dnnl_exec_arg_t b[3] = {{DNNL_ARG_DIFF_SRC, memory_for(pd, dnnl_query_diff_src_md)},
                                {DNNL_ARG_WEIGHTS, memory_for(pd, dnnl_query_weights_md)},
                                {DNNL_ARG_DIFF_DST, memory_for(pd, dnnl_query_diff_dst_md)}};
        snprintf(what, sizeof what, "%s bwd-data %d->%d @%d", name, Cin, Cout, H);
        time_primitive(what, pd, 3, b, flops);
        dnnl_primitive_desc_destroy(pd);
    }

    if (transposed)
        CHECK(dnnl_deconvolution_backward_weights_desc_init(&dd, dnnl_deconvolution_direct, &src, &wei, NULL, &dst,
                                                            strides, pad, pad));
    else
        CHECK(dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &src, &wei, NULL, &dst,
                                                          strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&pd, desc, NULL, engine, fwd));
    dnnl_exec_arg_t w[3] = {{DNNL_ARG_SRC, memory_for(pd, dnnl_query_src_md)},
                            {DNNL_ARG_DIFF_WEIGHTS, memory_for(pd, dnnl_query_diff_weights_md)},
                            {DNNL_ARG_DIFF_DST, memory_for(pd, dnnl_query_diff_dst_md)}};
    snprintf(what, sizeof what, "%s bwd-weights %d->%d @%d", name, Cin, Cout, H);
    time_primitive(what, pd, 3, w, flops);
    dnnl_primitive_desc_destroy(pd);
    dnnl_primitive_desc_destroy(fwd);
}

int main(int argc, char **argv) {
    const int B = argc > 1 ? atoi(argv[1]) : 64;
    if (B < 1) {
        fprintf(stderr, "usage: onednn_layers [BATCH]\n");
        return 2;
    }
    const dnnl_version_t *v = dnnl_version();
    printf("oneDNN %d.%d.%d, batch %d, the full model's convolutions (channels 32,64,128,256)\n", v->major,
           v->minor, v->patch, B);
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const int ch[5] = {3, 32, 64, 128, 256};
    for (int l = 0; l < 4; l++)
        layer(B, ch[l], 64 >> l, ch[l + 1], 0);
    for (int l = 0; l < 4; l++)
        layer(B, ch[4 - l], 4 << l, ch[3 - l], 1);
    printf("convolutions in all: %.1f ms per step, %.1f GFLOP/s; at most %.0f images/s for a step that "
           "did nothing else\n", total_seconds * 1e3, total_flops / total_seconds * 1e-9, B / total_seconds);
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
    return 0;
}
