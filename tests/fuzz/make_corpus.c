/* Writes the fuzzing corpora (tests/fuzz/corpus/<target>/): a few small
 * valid inputs of every kind each reader takes, and invalid ones, among
 * them the crashers of issue #10 (the JPEG Huffman-table overflow, the DC
 * sum overflow, a TGA and a GIF named .png, a cache cut short while open).
 * Everything is made here, by the project's own writers or byte by byte:
 *   make_corpus DIR
 * tests/fuzz/make_corpus.sh runs it and adds progressive and
 * restart-marker JPEGs made with libjpeg's tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dataset/hostile_images.h"
#include "data/image_check.h"
#include "io/safetensors.h"
#include "stb_image_write.h"
#include "vaevk/checkpoint.h"
#include "vaevk/dataset.h"

/* stb_image_write's deflate and in-memory PNG writer, compiled into the
 * library with the rest of it but not declared by its header. */
unsigned char *stbi_zlib_compress(unsigned char *data, int data_len, int *out_len, int quality);
unsigned char *stbi_write_png_to_mem(const unsigned char *pixels, int stride_bytes, int x, int y,
                                     int n, int *out_len);

static const char *root;

static void fail(const char *what) {
    fprintf(stderr, "make_corpus: %s\n", what);
    exit(1);
}

static void put(const char *target, const char *name, const void *b, size_t n) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(b, n, 1, f) != 1) || fclose(f) != 0)
        fail(path);
}

static void put_buf(const char *target, const char *name, byte_buf *o) {
    put(target, name, o->b, o->n);
    free(o->b);
    *o = (byte_buf){0};
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        fail(path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(len > 0 ? (size_t)len : 1);
    if (!b || fread(b, 1, (size_t)len, f) != (size_t)len)
        fail(path);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* Pixel (x, y, c) of a small test picture: smooth, every channel distinct. */
static uint8_t *picture(int w, int h, int comp) {
    uint8_t *px = malloc((size_t)w * h * comp);
    for (int i = 0; i < w * h * comp; i++)
        px[i] = (uint8_t)(30 + (i / comp % w) * 9 + (i / comp / w) * 5 + (i % comp) * 60);
    return px;
}

/* ---- PNG, built chunk by chunk ----------------------------------------- */

static void put_be32(byte_buf *o, uint32_t v) {
    buf_bytes(o, 4, (const uint8_t[]){(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v});
}

static void png_chunk(byte_buf *o, const char *type, const uint8_t *data, uint32_t n) {
    put_be32(o, n);
    size_t at = o->n;
    buf_put(o, type, 4);
    if (n)
        buf_put(o, data, n);
    put_be32(o, png_crc32(o->b + at, n + 4));
}

/* A PNG of w x h, colour type and depth, from already filtered scanlines
 * (each a 0 filter byte and its packed pixels); extra chunks before IDAT. */
static void png(byte_buf *o, int w, int h, int colour, int depth, int interlace,
                const uint8_t *raw, size_t raw_len, void (*extra)(byte_buf *)) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    buf_put(o, sig, 8);
    uint8_t ihdr[13] = {0, 0, 0, (uint8_t)w, 0, 0, 0, (uint8_t)h, (uint8_t)depth, (uint8_t)colour,
                        0, 0, (uint8_t)interlace};
    png_chunk(o, "IHDR", ihdr, 13);
    if (extra)
        extra(o);
    int zlen;
    uint8_t *z = stbi_zlib_compress((uint8_t *)raw, (int)raw_len, &zlen, 8);
    png_chunk(o, "IDAT", z, (uint32_t)zlen);
    free(z);
    png_chunk(o, "IEND", NULL, 0);
}

static void palette_chunks(byte_buf *o) {
    const uint8_t plte[12] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 255, 255};
    const uint8_t trns[2] = {255, 128};
    png_chunk(o, "PLTE", plte, 12);
    png_chunk(o, "tRNS", trns, 2);
    png_chunk(o, "tEXt", (const uint8_t *)"Comment\0corpus", 14);
}

/* Filtered scanlines (filter 0) of bytes_per_row bytes each. */
static uint8_t *scanlines(int rows, int bytes_per_row, size_t *len) {
    *len = (size_t)rows * (bytes_per_row + 1);
    uint8_t *raw = calloc(*len, 1);
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < bytes_per_row; x++)
            raw[y * (bytes_per_row + 1) + 1 + x] = (uint8_t)(x * 37 + y * 11);
    return raw;
}

/* An 8x8 grey Adam7-interlaced image: its seven passes' rows in turn. */
static uint8_t *adam7_grey8(size_t *len) {
    static const int pass[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                   {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    uint8_t *raw = calloc(8 * 9 * 2, 1);
    size_t n = 0;
    for (int p = 0; p < 7; p++)
        for (int y = pass[p][1]; y < 8; y += pass[p][3]) {
            raw[n++] = 0;
            for (int x = pass[p][0]; x < 8; x += pass[p][2])
                raw[n++] = (uint8_t)(x * 30 + y * 3);
        }
    *len = n;
    return raw;
}

static void make_pngs(void) {
    for (int comp = 1; comp <= 4; comp++) {
        int len;
        uint8_t *px = picture(8, 6, comp);
        uint8_t *b = stbi_write_png_to_mem(px, 8 * comp, 8, 6, comp, &len);
        char name[32];
        snprintf(name, sizeof name, "png_%dch.png", comp);
        put("decode", name, b, (size_t)len);
        if (comp == 3) {
            put("decode", "png_truncated.png", b, (size_t)len / 2);
            b[len - 20] ^= 0x10; /* inside IDAT: its CRC no longer matches */
            put("decode", "png_bad_crc.png", b, (size_t)len);
        }
        free(b);
        free(px);
    }
    byte_buf o = {0};
    size_t len;
    uint8_t *raw = scanlines(5, 4, &len); /* 8 pixels of 4 bits a row */
    png(&o, 8, 5, 3, 4, 0, raw, len, palette_chunks);
    put_buf("decode", "png_palette4.png", &o);
    free(raw);
    raw = scanlines(4, 4 * 6, &len); /* 4x4 RGB, 16 bits a channel */
    png(&o, 4, 4, 2, 16, 0, raw, len, NULL);
    put_buf("decode", "png_rgb16.png", &o);
    free(raw);
    raw = adam7_grey8(&len);
    png(&o, 8, 8, 0, 8, 1, raw, len, NULL);
    put_buf("decode", "png_interlaced.png", &o);
    free(raw);
    static const uint8_t huge_ihdr[13] = {0, 0, 0x23, 0x28, 0, 0, 0x23, 0x28, 8, 2, 0, 0, 0};
    buf_put(&o, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(&o, "IHDR", huge_ihdr, 13); /* 9000 x 9000, nothing else */
    png_chunk(&o, "IEND", NULL, 0);
    put_buf("decode", "png_9000x9000.png", &o);
}

/* ---- JPEG ---------------------------------------------------------------- */

static void write_to_buf(void *ctx, void *data, int size) { buf_put(ctx, data, (size_t)size); }

static void make_jpegs(void) {
    uint8_t *px = picture(16, 12, 3);
    for (int q = 50; q <= 95; q += 45) { /* stb_image_write subsamples chroma below 90 */
        byte_buf o = {0};
        stbi_write_jpg_to_func(write_to_buf, &o, 16, 12, 3, px, q);
        char name[32];
        snprintf(name, sizeof name, "jpeg_q%d.jpg", q);
        if (q == 95) {
            put("decode", "jpeg_truncated.jpg", o.b, o.n * 7 / 10);
            for (size_t i = 0; i + 6 < o.n; i++)
                if (o.b[i] == 0xff && o.b[i + 1] == 0xda) { /* first scan component's tables */
                    uint8_t keep = o.b[i + 6];
                    o.b[i + 6] = 0x23; /* DC table 2, AC table 3: never defined */
                    put("decode", "jpeg_undefined_tables.jpg", o.b, o.n);
                    o.b[i + 6] = keep;
                    break;
                }
        }
        put_buf("decode", name, &o);
    }
    free(px);
    px = picture(9, 7, 1);
    byte_buf o = {0};
    stbi_write_jpg_to_func(write_to_buf, &o, 9, 7, 1, px, 80);
    put_buf("decode", "jpeg_grey.jpg", &o);
    free(px);
    size_t n;
    uint8_t *b = hostile_huffman_jpeg(&n);
    put("decode", "crash_jpeg_huffman_overflow.jpg", b, n);
    free(b);
    b = hostile_dc_jpeg(&n);
    put("decode", "crash_jpeg_dc_overflow.jpg", b, n);
    free(b);
}

/* ---- BMP, built field by field ----------------------------------------- */

static void put_le(byte_buf *o, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; i++)
        buf_bytes(o, 1, (const uint8_t[]){(uint8_t)(v >> (8 * i))});
}

/* A Windows BMP (40-byte header) of w x h at bpp, with `colours` palette
 * entries or bit-field masks (compression 3) before its rows. */
static void bmp(byte_buf *o, int w, int h, int bpp, int colours, const uint32_t *masks,
                int index_limit) {
    int stride = (w * bpp + 31) / 32 * 4, rows = h < 0 ? -h : h;
    uint32_t offset = 14 + 40 + (masks ? 12 : 0) + 4 * (uint32_t)colours;
    buf_put(o, "BM", 2);
    put_le(o, offset + (uint32_t)(stride * rows), 4);
    put_le(o, 0, 4);
    put_le(o, offset, 4);
    put_le(o, 40, 4);
    put_le(o, (uint32_t)w, 4);
    put_le(o, (uint32_t)h, 4);
    put_le(o, 1, 2);
    put_le(o, (uint32_t)bpp, 2);
    put_le(o, masks ? 3 : 0, 4);
    put_le(o, (uint32_t)(stride * rows), 4);
    put_le(o, 2835, 4);
    put_le(o, 2835, 4);
    put_le(o, (uint32_t)colours, 4);
    put_le(o, 0, 4);
    for (int i = 0; masks && i < 3; i++)
        put_le(o, masks[i], 4);
    for (int i = 0; i < colours; i++)
        put_le(o, 0x102030u * (uint32_t)(i + 1), 4);
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < stride; x++)
            buf_bytes(o, 1, (const uint8_t[]){(uint8_t)((x + y) % index_limit)});
}

static void make_bmps(void) {
    static const uint32_t rgb565[3] = {0xf800, 0x07e0, 0x001f}, rgb888[3] = {0xff0000, 0xff00, 0xff};
    byte_buf o = {0};
    bmp(&o, 5, 3, 24, 0, NULL, 256);
    put_buf("decode", "bmp_24.bmp", &o);
    bmp(&o, 5, -3, 24, 0, NULL, 256);
    put_buf("decode", "bmp_24_top_down.bmp", &o);
    bmp(&o, 4, 4, 32, 0, rgb888, 256);
    put_buf("decode", "bmp_32_bitfields.bmp", &o);
    bmp(&o, 4, 4, 16, 0, rgb565, 256);
    put_buf("decode", "bmp_16_bitfields.bmp", &o);
    bmp(&o, 7, 3, 8, 16, NULL, 16);
    put_buf("decode", "bmp_8_palette.bmp", &o);
    bmp(&o, 7, 3, 4, 16, NULL, 256);
    put_buf("decode", "bmp_4_palette.bmp", &o);
    bmp(&o, 9, 2, 1, 2, NULL, 256);
    put_buf("decode", "bmp_1.bmp", &o);
    bmp(&o, 7, 3, 8, 4, NULL, 200); /* indices up to 199, 4 colours */
    put_buf("decode", "bmp_index_past_palette.bmp", &o);
    bmp(&o, 30, 20, 24, 0, NULL, 256);
    put("decode", "bmp_truncated.bmp", o.b, o.n * 6 / 10);
    free(o.b);
    o = (byte_buf){0};
    /* OS/2: 12-byte header, 3-byte palette entries */
    buf_put(&o, "BM", 2);
    put_le(&o, 14 + 12 + 3 * 8 + 4 * 2, 4);
    put_le(&o, 0, 4);
    put_le(&o, 14 + 12 + 3 * 8, 4);
    put_le(&o, 12, 4);
    put_le(&o, 3, 2), put_le(&o, 2, 2), put_le(&o, 1, 2), put_le(&o, 8, 2);
    for (int i = 0; i < 8; i++)
        put_le(&o, 0x404040u * (uint32_t)(i % 4), 3);
    for (int i = 0; i < 8; i++)
        buf_bytes(&o, 1, (const uint8_t[]){(uint8_t)(i % 4)});
    put_buf("decode", "bmp_os2.bmp", &o);
}

static void make_other_images(void) {
    size_t n;
    uint8_t *b = hostile_tga(&n);
    put("decode", "crash_tga_named.png", b, n);
    free(b);
    b = hostile_gif(&n);
    put("decode", "crash_gif_named.png", b, n);
    free(b);
    put("decode", "text.jpg", "this is not an image\n", 21);
    put("decode", "empty.png", "", 0);
}

/* ---- dataset caches: a mode byte (see fuzz_cache.c), then the file ------- */

static void put_cache(const char *name, int mode, const uint8_t *file, size_t n) {
    uint8_t *b = malloc(n + 1);
    b[0] = (uint8_t)mode;
    memcpy(b + 1, file, n);
    put("cache", name, b, n + 1);
    free(b);
}

static uint8_t *build_cache(const char *tmp, int images, size_t *n) {
    char dir[1200], out[1300], err[1200];
    snprintf(dir, sizeof dir, "%s/images%d", tmp, images);
    mkdir(dir, 0777);
    for (int i = 0; i < images; i++) {
        char path[1300];
        uint8_t *px = picture(6 + i, 6, 3);
        snprintf(path, sizeof path, "%s/%d.png", dir, i);
        stbi_write_png(path, 6 + i, 6, 3, px, (6 + i) * 3);
        free(px);
    }
    snprintf(out, sizeof out, "%s/broken.png", dir);
    FILE *f = fopen(out, "wb"); /* an empty file: the skipped list is not empty */
    if (!f || fclose(f) != 0)
        fail(out);
    snprintf(out, sizeof out, "%s/cache%d.bin", tmp, images);
    vae_data_options o;
    vae_data_options_default(&o);
    o.threads = 1;
    vae_cache_summary s;
    if (vae_cache_build(dir, out, &o, &s, err, sizeof err) != 0)
        fail(err);
    vae_cache_summary_free(&s);
    return read_file(out, n);
}

static void make_caches(const char *tmp) {
    size_t n1, n2;
    uint8_t *one = build_cache(tmp, 1, &n1), *two = build_cache(tmp, 2, &n2);
    put_cache("cache_1.bin", 0, one, n1);
    put_cache("cache_2.bin", 0, two, n2);
    put_cache("crash_cache_cut_while_open.bin", 4 | 16 << 3, two, n2); /* to half */
    put_cache("cache_cut_while_open_to_header.bin", 4 | 4 << 3, one, n1);
    put_cache("cache_truncated.bin", 0, one, n1 - 100);
    put_cache("cache_header_only.bin", 0, one, 4096);
    two[4096 + 12288 + 77] ^= 0x40; /* image 1 */
    put_cache("cache_flipped_image.bin", 0, two, n2);
    put_cache("cache_flipped_image_repaired.bin", 3, two, n2);
    one[40] ^= 1; /* the file count, covered by the header's checksum */
    put_cache("cache_bad_header_hash.bin", 0, one, n1);
    put_cache("cache_bad_header_hash_repaired.bin", 1, one, n1);
    one[0] = 'X';
    put_cache("cache_bad_magic.bin", 0, one, n1);
    free(one);
    free(two);
}

/* ---- safetensors and checkpoints ------------------------------------------ */

/* A safetensors file from its JSON header and data bytes as given. */
static void put_safetensors(const char *name, const char *json, const char *data, size_t n) {
    byte_buf o = {0};
    put_le(&o, (uint32_t)strlen(json), 4);
    put_le(&o, 0, 4);
    buf_put(&o, json, strlen(json));
    buf_put(&o, data, n);
    put_buf("safetensors", name, &o);
}

static void make_safetensors(const char *tmp) {
    char path[1200], err[600];
    snprintf(path, sizeof path, "%s/t.safetensors", tmp);
    st_writer *w = st_writer_new();
    float f[6] = {1, 2, 3, 4, 5, 6};
    uint8_t u[5] = {1, 2, 3, 4, 5};
    st_writer_add(w, "weights", "F32", 2, (const int64_t[]){2, 3}, f, sizeof f);
    st_writer_add(w, "bytes", "U8", 1, (const int64_t[]){5}, u, sizeof u);
    st_writer_add(w, "scalar", "F32", 0, NULL, f, 4);
    st_writer_meta(w, "format", "pt");
    if (st_writer_save(w, path, err, sizeof err) != 0)
        fail(err);
    st_writer_free(w);
    size_t n;
    uint8_t *b = read_file(path, &n);
    put("safetensors", "valid.safetensors", b, n);
    put("safetensors", "truncated.safetensors", b, n - 3);
    free(b);
    const char d8[8] = "abcdefgh";
    put_safetensors("empty_object.safetensors", "{}", "", 0);
    put_safetensors("two_u8.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", d8, 2);
    put_safetensors("overlap.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                    "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", d8, 8);
    put_safetensors("past_end.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", d8, 8);
    put_safetensors("shape_mismatch.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", d8, 8);
    put_safetensors("bad_dtype.safetensors", "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,1]}}", d8, 1);
    put_safetensors("negative_shape.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", d8, 1);
    put_safetensors("huge_shape.safetensors", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", d8, 8);
    put_safetensors("duplicate.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                    "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", d8, 2);
    put_safetensors("single_quotes.safetensors", "{'a':{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", d8, 1);
    put_safetensors("metadata_not_strings.safetensors", "{\"__metadata__\":{\"k\":1}}", "", 0);
    put_safetensors("not_object.safetensors", "[1,2,3]", "", 0);
    put_safetensors("junk_after.safetensors", "{} x", "", 0);
    put_safetensors("unterminated.safetensors", "{\"a\":", "", 0);
    put("safetensors", "header_length_huge.safetensors", "\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10);
    put("safetensors", "short.safetensors", "\x02\x00", 2);
}

static void make_checkpoints(const char *tmp) {
    vae_train_options o;
    vae_train_options_default(&o);
    for (int l = 0; l < VAE_LEVELS; l++)
        o.model.channels[l] = 1;
    o.model.latent = 1;
    vae_param_table t;
    vae_param_table_init(&t, &o.model);
    float *p = calloc(t.total, sizeof *p), *m = calloc(t.total, sizeof *m), *v = calloc(t.total, sizeof *v);
    for (uint32_t i = 0; i < t.total; i++)
        p[i] = 0.01f * (float)i, m[i] = 1e-3f, v[i] = 1e-6f;
    vae_train_progress progress;
    memset(&progress, 0, sizeof progress);
    char path[1200], err[600];
    const char *names[2] = {"tiny_with_moments.safetensors", "tiny_parameters_only.safetensors"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/ck%d.safetensors", tmp, k);
        if (vae_checkpoint_save(path, &o, &progress, &t, p, k ? NULL : m, k ? NULL : v, err, sizeof err) != 0)
            fail(err);
        size_t n;
        uint8_t *b = read_file(path, &n);
        put("checkpoint", names[k], b, n);
        if (k == 0) {
            put("checkpoint", "truncated.safetensors", b, n - 5);
            for (size_t i = 0; i + 9 <= n; i++)
                if (memcmp(b + i, "\"1,1,1,1\"", 9) == 0) { /* the channels, in the metadata */
                    b[i + 1] = '2';
                    put("checkpoint", "channels_disagree.safetensors", b, n);
                    break;
                }
        }
        free(b);
    }
    free(p);
    free(m);
    free(v);
    put("checkpoint", "not_a_checkpoint.safetensors", "{}", 2);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: make_corpus DIR (tests/fuzz/corpus)\n");
        return 2;
    }
    root = argv[1];
    mkdir(root, 0777);
    char tmp[] = "/tmp/vaevk-corpus-XXXXXX";
    if (!mkdtemp(tmp))
        fail("mkdtemp");
    make_pngs();
    make_jpegs();
    make_bmps();
    make_other_images();
    make_caches(tmp);
    make_safetensors(tmp);
    make_checkpoints(tmp);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "make_corpus: could not remove %s\n", tmp);
    printf("corpora written under %s\n", root);
    return 0;
}
