/* The explicit route of a product op (vk_route.h): the op as plain
 * matrix products of matrices laid out in the recording's scratch buffer,
 * so that a GEMM kernel that knows nothing of convolutions runs it
 * (vk_gemm_call.h: the cooperative-matrix kernel, or the tiled one when
 * VAEVK_FORCE_IM2COL=1 asks for the same route without it).
 *
 * A convolution links a large side (B,Cb,Hb,Wb) and a small side
 * (B,Cs,Hs,Ws) through w (Cs,Cb,4,4) (vk_product.h, shaders/im2col.glsl).
 * For each chunk of the batch, with COL (Cb·16 × n·Hs·Ws) the large side's
 * taps and CN (Cs × n·Hs·Ws) the small side with channels as rows:
 *   gather  (conv2d forward, transposed backward to the input):
 *           im2col; CN = w · COL; from_cn (+ the fused epilogue)
 *   scatter (conv2d backward to the input, transposed forward):
 *           to_cn; COL = wᵀ · CN; col2im (+ the fused epilogue)
 *   weight  (both weight gradients):
 *           to_cn; im2col; dw (+)= CN · COLᵀ, through split_sum unless one
 *           chunk and one split let the GEMM write dw itself
 * A linear layer is one GEMM: y = x·wᵀ, dx (+)= dy·w, dw = dyᵀ·x, through
 * split_sum when it must add to the old dx, take a fused epilogue, or add
 * split copies. Every sum the GEMM splits is added by whatever reads its
 * output; the old value an op adds to is added once, unrounded.
 *
 * The batch is cut into at most VK_IM2COL_MAX_CHUNKS chunks so that COL
 * stays within VK_IM2COL_CHUNK_WORDS (and the device's storage-buffer
 * range). */
#ifndef VAEVK_VK_IM2COL_H
#define VAEVK_VK_IM2COL_H

#include <stddef.h>
#include <stdint.h>

#include "vk/vk_gemm_call.h"

#define VK_IM2COL_CHUNK_WORDS (32ull << 20)
#define VK_IM2COL_MAX_CHUNKS 8u
/* Scratch regions start on 256 bytes, the largest
 * minStorageBufferOffsetAlignment Vulkan allows. */
#define VK_IM2COL_ALIGN_WORDS 64u

typedef enum { VK_IM2COL_GATHER, VK_IM2COL_SCATTER, VK_IM2COL_WEIGHT, VK_IM2COL_LINEAR } vk_im2col_kind;

/* A region of the scratch buffer, in words. */
typedef struct {
    uint64_t offset, words;
} vk_region;

typedef struct {
    vk_route route;
    vk_im2col_kind kind;
    vk_gemm_push geo;        /* the convolution's sides (vk_product_of) */
    int tensor[3];           /* the op's output, then its two inputs as
                              * vk_product_of binds them */
    uint32_t chunk_images, chunks; /* the last chunk may have fewer images */
    vk_gemm_call gemm;       /* a whole chunk's GEMM, sized */
    vk_region col, cn, part; /* words 0 where unused */
    uint64_t scratch_words;  /* the scratch buffer it needs */
    int direct;              /* the GEMM writes the op's output itself */
} vk_im2col;

/* Lays out product op `op` on explicit route `route` (cfg: the
 * cooperative-matrix kernel's shape) for a device with props, with
 * chunk_images images a chunk (0: chosen), the epilogue bits a fused
 * epilogue adds (VK_EPI_*). The GEMM of chunk `chunk` is
 * vk_im2col_chunk_gemm's. No Vulkan calls: tests hand it made-up devices.
 * 0, or -1 with one line in err. */
int vk_im2col_size(const vae_op *op, vk_route route, const vk_coopmat_config *cfg,
                   const VkPhysicalDeviceProperties *props, uint32_t chunk_images, uint32_t epilogue, vk_im2col *x,
                   char *err, size_t errlen);

/* The images of chunk c (the first is c·chunk_images) and its GEMM, sized. */
uint32_t vk_im2col_chunk_images(const vk_im2col *x, uint32_t c);
int vk_im2col_chunk_gemm(const vk_im2col *x, const vae_op *op, uint32_t c, const vk_coopmat_config *cfg,
                         const VkPhysicalDeviceProperties *props, vk_gemm_call *g, char *err, size_t errlen);

/* At most this many dispatches per op (VK_DISPATCHES_PER_OP). */
#define VK_IM2COL_MAX_DISPATCHES (4 * VK_IM2COL_MAX_CHUNKS)

#endif
