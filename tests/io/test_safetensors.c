// safetensors reader/writer: a round trip through the writer, one crafted
// malformed file per validation rule, and saves that fail part-way.
#include "io/safetensors.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
static char dir[] = "/tmp/vaevk-st-XXXXXX";

#define CHECK(cond, ...)                                     \
    do {                                                     \
        if (!(cond)) {                                       \
            failures++;                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);      \
            printf(__VA_ARGS__);                             \
            printf("\n");                                    \
        }                                                    \
    } while (0)

// Path of name inside the test directory, in a buffer that lives as long as
// the enclosing block.
#define AT(name) at((char[512]){0}, name)
static const char *at(char *buf, const char *name) {
    snprintf(buf, 512, "%s/%s", dir, name);
    return buf;
}

static void put_bytes(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        printf("FAIL: cannot write test file %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

// Whole file into a malloc'd buffer; NULL if it does not exist.
static uint8_t *get_bytes(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *b = malloc(1 << 20);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

// 8-byte little-endian length (hlen, normally strlen(json)), the JSON, then
// ndata bytes of data counting 0, 1, 2, ...
static void craft_len(const char *path, uint64_t hlen, const char *json, size_t ndata) {
    size_t jl = strlen(json);
    uint8_t *b = calloc(8 + jl + ndata, 1);
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(hlen >> (8 * i));
    memcpy(b + 8, json, jl);
    for (size_t i = 0; i < ndata; i++) b[8 + jl + i] = (uint8_t)i;
    put_bytes(path, b, 8 + jl + ndata);
    free(b);
}

static void craft(const char *path, const char *json, size_t ndata) {
    craft_len(path, strlen(json), json, ndata);
}

// st_read must fail with a one-line message naming the file and holding phrase.
static void expect_fail(const char *label, const char *path, const char *phrase) {
    st_file f;
    char err[1024] = "";
    int rc = st_read(path, &f, err, sizeof err);
    printf("  %-24s %s\n", label, err);
    CHECK(rc == -1, "%s: st_read returned %d, expected failure", label, rc);
    CHECK(strstr(err, phrase) != NULL, "%s: message lacks \"%s\"", label, phrase);
    CHECK(strncmp(err, path, strlen(path)) == 0, "%s: message does not start with the path", label);
    CHECK(strchr(err, '\n') == NULL, "%s: message is not one line", label);
    CHECK(f.count == 0 && f.data == NULL && f.tensors == NULL && f.meta_count == 0,
          "%s: output not left empty", label);
    st_free(&f);
}

static int read_ok(const char *label, const char *path, st_file *f) {
    char err[1024] = "";
    int rc = st_read(path, f, err, sizeof err);
    CHECK(rc == 0, "%s: st_read failed: %s", label, err);
    return rc;
}

#define A "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"
#define B(o1, o2) "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" #o1 "," #o2 "]}"
#define ONE(fields) "{\"a\":{" fields "}}"

static void test_malformed(void) {
    printf("malformed files (each must be rejected):\n");
    const char *p = AT("bad.safetensors");
    put_bytes(p, "\x10\0\0", 3);
    expect_fail("3-byte file", p, "too short: 3 bytes");
    put_bytes(p, "", 0);
    expect_fail("empty file", p, "too short: 0 bytes");
    craft_len(p, 0, "", 8);
    expect_fail("header length 0", p, "header length is 0");
    craft_len(p, 200u << 20, "{}", 6);
    expect_fail("header length 200 MB", p, "absurd");
    craft_len(p, 4096, "{}", 90);
    expect_fail("header past end", p, "truncated: header says 4096 bytes of JSON but the file has 92");
    craft(p, "{\"a\": ", 0);
    expect_fail("unterminated JSON", p, "not valid JSON");
    craft(p, "hello", 0);
    expect_fail("not JSON at all", p, "not valid JSON");
    craft(p, "{} x", 0);
    expect_fail("junk after object", p, "junk after the object");
    put_bytes(p, "\x08\0\0\0\0\0\0\0{}\0\0\0\0\0\0", 16);
    expect_fail("NUL padding", p, "junk after the object");
    craft(p, "{'a':{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    expect_fail("single-quoted key", p, "single-quoted string");
    craft(p, "[1,2]", 0);
    expect_fail("array header", p, "not a JSON object but an array");
    craft(p, "{\"a\":5}", 0);
    expect_fail("entry not object", p, "entry 'a' is an integer, not an object");
    craft(p, ONE("\"shape\":[2],\"data_offsets\":[0,8]"), 8);
    expect_fail("missing dtype", p, "missing or non-string \"dtype\"");
    craft(p, ONE("\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]"), 8);
    expect_fail("dtype not string", p, "missing or non-string \"dtype\"");
    craft(p, ONE("\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]"), 8);
    expect_fail("unknown dtype", p, "unknown dtype 'F17'");
    craft(p, ONE("\"dtype\":\"F32\",\"data_offsets\":[0,8]"), 8);
    expect_fail("missing shape", p, "missing or non-array \"shape\"");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]"), 8);
    expect_fail("shape not array", p, "missing or non-array \"shape\"");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]"), 8);
    expect_fail("shape dim 2.0", p, "shape dim 0 is not an integer");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[1,\"2\"],\"data_offsets\":[0,8]"), 8);
    expect_fail("shape dim \"2\"", p, "shape dim 1 is not an integer");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]"), 8);
    expect_fail("negative dim", p, "shape dim 0 is negative (-2)");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]"), 8);
    expect_fail("9 dims", p, "shape has 9 dims, more than the 8 supported");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2]"), 8);
    expect_fail("missing data_offsets", p, "\"data_offsets\" missing or not [begin, end]");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]"), 8);
    expect_fail("one data offset", p, "\"data_offsets\" missing or not [begin, end]");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]"), 8);
    expect_fail("float data offset", p, "\"data_offsets\" missing or not [begin, end]");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]"), 8);
    expect_fail("negative offset", p, "negative data offset [-8, 0]");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]"), 8);
    expect_fail("begin > end", p, "data_offsets begin 8 > end 0");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]"), 8);
    expect_fail("end past buffer", p, "end 16 is beyond the data buffer of 8 bytes");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]"), 8);
    expect_fail("size != dtype x shape", p, "span 8 bytes but F32 (3) needs 12");
    craft(p, ONE("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]"), 8);
    expect_fail("byte count overflow", p, "overflows the byte count");
    craft(p, ONE("\"dtype\":\"U8\",\"shape\":[18446744073709551615],\"data_offsets\":[0,8]"), 8);
    expect_fail("dim past INT64_MAX", p, "span 8 bytes but U8 (9223372036854775807)");
    craft(p, "{" A "," B(4, 12) "}", 12);
    expect_fail("overlap", p, "tensors 'a' and 'b' overlap (bytes 0..8 and 4..12)");
    craft(p, "{" B(12, 20) "," A "}", 20);
    expect_fail("gap", p, "gap of 4 unused bytes before tensor 'b' at byte 12");
    craft(p, "{" B(4, 12) "}", 12);
    expect_fail("gap at start", p, "gap of 4 unused bytes before tensor 'b' at byte 4");
    craft(p, "{" A "}", 12);
    expect_fail("trailing bytes", p, "4 trailing bytes after the last tensor 'a'");
    craft(p, "{}", 8);
    expect_fail("no tensors, 8 bytes", p, "no tensors but a 8-byte data buffer");
    craft(p, "{" A "," A "}", 8);
    expect_fail("duplicate name", p, "name 'a' appears more than once");
    craft(p, "{" A ",\"\\u0061\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8);
    expect_fail("duplicate, escaped", p, "name 'a' appears more than once");
    craft(p, "{\"__metadata__\":{},\"__metadata__\":{}}", 0);
    expect_fail("duplicate metadata", p, "name '__metadata__' appears more than once");
    craft(p, "{\"__metadata__\":5}", 0);
    expect_fail("metadata not object", p, "\"__metadata__\" is an integer, not an object");
    craft(p, "{\"__metadata__\":{\"k\":\"v\",\"step\":100}}", 0);
    expect_fail("metadata value int", p, "metadata value for \"step\" is an integer, not a string");
    char json[512], name[201];
    memset(name, 'x', 200);
    name[200] = 0;
    snprintf(json, sizeof json, "{\"%s\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", name);
    craft(p, json, 8);
    expect_fail("200-byte name", p, "is 200 bytes, more than the 127 supported");
    expect_fail("missing file", AT("nope.safetensors"), "cannot open: No such file");
    expect_fail("directory", dir, "not a regular file");
}

// Files the format allows, which must load.
static void test_valid_edges(void) {
    st_file f;
    const char *p = AT("edge.safetensors");
    craft(p, "{}", 0);
    if (!read_ok("empty header", p, &f))
        CHECK(f.count == 0 && f.data_size == 0, "empty: %d tensors, %zu bytes", f.count, f.data_size);
    st_free(&f);
    craft(p, "{\"__metadata__\":{\"k\":\"v\"}, " A ",\"z\":{\"dtype\":\"F64\",\"shape\":[0,3],"
             "\"data_offsets\":[8,8]}, \"a\\u002eb\":{\"dtype\":\"I8\",\"shape\":[],"
             "\"data_offsets\":[8,9]}}        \n  ", 9);
    if (!read_ok("padded, zero-size, escaped", p, &f)) {
        const st_tensor *ab = st_find(&f, "a.b"), *z = st_find(&f, "z");
        CHECK(f.count == 3 && f.meta_count == 1, "count %d meta %d", f.count, f.meta_count);
        CHECK(ab && ab->ndim == 0 && ab->begin == 8 && ((const int8_t *)st_data(&f, ab))[0] == 8,
              "escaped scalar 'a.b' wrong");
        CHECK(z && z->begin == 8 && z->end == 8 && z->ndim == 2 && z->shape[0] == 0,
              "zero-size tensor wrong");
        CHECK(st_meta(&f, "k") && strcmp(st_meta(&f, "k"), "v") == 0, "metadata k");
    }
    st_free(&f);
    printf("valid edge files: empty header, padding, zero-size and scalar tensors load\n");
}

typedef struct {
    const char *name, *dtype;
    int ndim;
    int64_t shape[3];
    size_t nbytes;
    uint8_t bytes[64];
} spec;

static void fill_specs(spec *s, int *n) {
    float f32[6] = {0.5f, -0.0f, 1e-45f, -3.25f, INFINITY, NAN};
    double f64[4] = {1.0 / 3.0, -1e300, 5e-324, -INFINITY};
    int64_t step = 123456789012345;
    uint32_t ids[4] = {0, 1, 0xdeadbeef, 0xffffffff};
    uint8_t mask[5] = {1, 0, 255, 7, 9};
    float odd[3] = {1.5f, 2.5f, -7.0f};
    int k = 0;
    s[k] = (spec){"encoder.0.weight", "F32", 2, {2, 3}, sizeof f32, {0}};
    memcpy(s[k++].bytes, f32, sizeof f32);
    s[k] = (spec){"stats/f64", "F64", 1, {4}, sizeof f64, {0}};
    memcpy(s[k++].bytes, f64, sizeof f64);
    s[k] = (spec){"step", "I64", 0, {0}, sizeof step, {0}};
    memcpy(s[k++].bytes, &step, sizeof step);
    s[k] = (spec){"ids", "U32", 2, {2, 2}, sizeof ids, {0}};
    memcpy(s[k++].bytes, ids, sizeof ids);
    s[k] = (spec){"mask", "U8", 1, {5}, sizeof mask, {0}};
    memcpy(s[k++].bytes, mask, sizeof mask);
    s[k] = (spec){"after_mask", "F32", 1, {3}, sizeof odd, {0}};  // starts at an odd offset
    memcpy(s[k++].bytes, odd, sizeof odd);
    s[k++] = (spec){"empty", "F32", 2, {0, 4}, 0, {0}};
    *n = k;
}

static const char *meta[][2] = {
    {"format", "pt"}, {"config", "{\"latent\": 128, \"beta\": 1.0}"},
    {"note", "beta=\xce\xb2 \xe2\x9c\x93 tab\there"}, {"path", "a/b\\c"},
};

static void check_layout(const char *p, size_t data_bytes) {
    size_t n;
    uint8_t *b = get_bytes(p, &n);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | b[i];
    size_t close = 0;
    for (size_t i = 8; i < 8 + hlen; i++)
        if (b[i] == '}') close = i;
    int spaces = 1;
    for (size_t i = close + 1; i < 8 + hlen; i++) spaces &= b[i] == ' ';
    printf("  file %zu bytes: header %llu bytes (%zu of them padding), data at %llu, %zu data bytes\n",
           n, (unsigned long long)hlen, (size_t)(8 + hlen - close - 1),
           (unsigned long long)(8 + hlen), data_bytes);
    CHECK((8 + hlen) % 8 == 0, "data start %llu is not 8-byte aligned", (unsigned long long)(8 + hlen));
    CHECK(8 + hlen - close - 1 < 8, "padding longer than needed");
    CHECK(spaces, "header padding is not spaces");
    CHECK(n == 8 + hlen + data_bytes, "file size %zu != 8 + header + data", n);
    free(b);
}

static void test_round_trip(void) {
    spec s[8];
    int n;
    fill_specs(s, &n);
    const char *p = AT("model.safetensors");
    char err[1024] = "";
    st_writer *w = st_writer_new();
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        CHECK(st_writer_add(w, s[i].name, s[i].dtype, s[i].ndim, s[i].shape, s[i].bytes,
                            s[i].nbytes) == 0, "add %s: %s", s[i].name, st_writer_error(w));
        total += s[i].nbytes;
    }
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        CHECK(st_writer_meta(w, meta[i][0], meta[i][1]) == 0, "meta: %s", st_writer_error(w));
    CHECK(st_writer_save(w, p, err, sizeof err) == 0, "save: %s", err);
    st_writer_free(w);
    printf("round trip: %d tensors (F32 F64 I64 U32 U8, scalar, zero-size), %zu metadata\n",
           n, sizeof meta / sizeof meta[0]);
    check_layout(p, total);
    CHECK(!exists(AT("model.safetensors.tmp")), "temp file left behind");

    st_file f;
    if (read_ok("round trip", p, &f)) return;
    CHECK(f.count == n && f.data_size == total, "read %d tensors, %zu bytes", f.count, f.data_size);
    size_t off = 0;
    for (int i = 0; i < n && i < f.count; i++) {
        const st_tensor *t = &f.tensors[i];  // file order is the order added
        int same = strcmp(t->name, s[i].name) == 0 && strcmp(t->dtype, s[i].dtype) == 0 &&
                   t->ndim == s[i].ndim && t->begin == off && t->end == off + s[i].nbytes &&
                   memcmp(t->shape, s[i].shape, (size_t)t->ndim * sizeof(int64_t)) == 0 &&
                   memcmp(st_data(&f, t), s[i].bytes, s[i].nbytes) == 0;
        CHECK(same, "tensor %d (%s) differs after the round trip", i, s[i].name);
        printf("  %-16s %-3s bytes %3zu..%3zu %s\n", t->name, t->dtype, t->begin, t->end,
               same ? "identical" : "DIFFERENT");
        off += s[i].nbytes;
    }
    CHECK(f.meta_count == 4, "meta count %d", f.meta_count);
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
        const char *v = st_meta(&f, meta[i][0]);
        CHECK(v && strcmp(v, meta[i][1]) == 0, "metadata %s = %s", meta[i][0], v ? v : "(absent)");
    }
    CHECK(st_meta(&f, "absent") == NULL && st_find(&f, "absent") == NULL, "absent key found");

    int64_t good[2] = {2, 3}, bad[2] = {3, 2};
    CHECK(st_expect(&f, "encoder.0.weight", "F32", 2, good, err, sizeof err) != NULL, "%s", err);
    CHECK(st_expect(&f, "ids", NULL, -1, NULL, err, sizeof err) != NULL, "%s", err);
    CHECK(st_expect(&f, "encoder.0.weight", "F32", 2, bad, err, sizeof err) == NULL &&
          strstr(err, "is F32 (2, 3) but F32 (3, 2) was expected"), "shape mismatch: %s", err);
    printf("  st_expect, wrong shape: %s\n", err);
    CHECK(st_expect(&f, "step", "F64", 0, NULL, err, sizeof err) == NULL &&
          strstr(err, "is I64 () but F64 () was expected"), "dtype mismatch: %s", err);
    CHECK(st_expect(&f, "fc_mu.weight", "F32", -1, NULL, err, sizeof err) == NULL &&
          strstr(err, "tensor 'fc_mu.weight' is missing"), "missing: %s", err);
    printf("  st_expect, missing: %s\n", err);
    st_free(&f);
}

static void test_writer_errors(void) {
    printf("writer refusals:\n");
    const int64_t sh[2] = {2, 3}, neg[1] = {-1}, nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    float x[6] = {0};
    char longname[200];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    st_writer *w;
    // Each case starts from a writer holding one good tensor named "first".
#define TRY(label, call, phrase)                                                   \
    w = st_writer_new();                                                          \
    st_writer_add(w, "first", "F32", 2, sh, x, sizeof x);                        \
    CHECK((call) == -1 && strstr(st_writer_error(w), phrase) != NULL,             \
          "%s: expected refusal with \"%s\"", label, phrase);                     \
    printf("  %-20s %s\n", label, st_writer_error(w));                           \
    st_writer_free(w);
    TRY("wrong byte count", st_writer_add(w, "b", "F32", 2, sh, x, 20), "F32 (2, 3) needs 24 bytes but 20");
    TRY("duplicate name", st_writer_add(w, "first", "F32", 2, sh, x, sizeof x), "added twice");
    TRY("unknown dtype", st_writer_add(w, "b", "F31", 2, sh, x, sizeof x), "unknown dtype 'F31'");
    TRY("9 dims", st_writer_add(w, "b", "F32", 9, nine, x, 4), "9 dims");
    TRY("negative dim", st_writer_add(w, "b", "F32", 1, neg, x, 0), "negative");
    TRY("long name", st_writer_add(w, longname, "F32", 2, sh, x, sizeof x), "longer than 127");
    TRY("reserved name", st_writer_add(w, "__metadata__", "F32", 2, sh, x, sizeof x), "reserved");
    TRY("repeated meta key", (st_writer_meta(w, "k", "1"), st_writer_meta(w, "k", "2")), "set twice");
#undef TRY

    // Errors stick: later calls are refused and save reports the first error.
    w = st_writer_new();
    st_writer_add(w, "b", "F32", 2, sh, x, 20);
    CHECK(st_writer_add(w, "c", "F32", 2, sh, x, sizeof x) == -1, "add after an error accepted");
    char err[1024];
    const char *p = AT("never.safetensors");
    CHECK(st_writer_save(w, p, err, sizeof err) == -1 && strstr(err, "not saved") &&
          strstr(err, "needs 24 bytes"), "save after error: %s", err);
    CHECK(!exists(p) && !exists(AT("never.safetensors.tmp")), "failed save created a file");
    printf("  save after an error   %s\n", err);
    st_writer_free(w);
}

// Writes a one-tensor file; returns 0 on success.
static int save_small(const char *path, float v, char *err, size_t errlen) {
    float x[4] = {v, v, v, v};
    int64_t sh[1] = {4};
    st_writer *w = st_writer_new();
    st_writer_add(w, "x", "F32", 1, sh, x, sizeof x);
    int rc = st_writer_save(w, path, err, errlen);
    st_writer_free(w);
    return rc;
}

static int same_file(const char *path, const uint8_t *want, size_t n) {
    size_t m;
    uint8_t *b = get_bytes(path, &m);
    int same = b && m == n && memcmp(b, want, n) == 0;
    free(b);
    return same;
}

static void test_atomic_save(void) {
    printf("saves that fail leave the old file alone:\n");
    char err[1024];
    const char *p = AT("ckpt.safetensors"), *tmp = AT("ckpt.safetensors.tmp");
    CHECK(save_small(p, 1.0f, err, sizeof err) == 0, "first save: %s", err);
    size_t n;
    uint8_t *orig = get_bytes(p, &n);

    // 1. The write runs out of room part-way: RLIMIT_FSIZE makes write() fail
    // with EFBIG even for root, after PATH.tmp exists and holds some bytes.
    static float big[16384];
    int64_t sh[1] = {16384};
    st_writer *w = st_writer_new();
    st_writer_add(w, "x", "F32", 1, sh, big, sizeof big);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    int rc = st_writer_save(w, p, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    st_writer_free(w);
    printf("  write fails part-way: %s\n", err);
    CHECK(rc == -1 && strstr(err, "writing") && strstr(err, "failed"), "save past RLIMIT_FSIZE: %s", err);
    CHECK(same_file(p, orig, n), "original changed by a failed save");
    CHECK(!exists(tmp), "temp file left behind after a failed write");

    // 2. The target is a directory: the temp file is written, rename fails.
    const char *d = AT("isdir.safetensors");
    mkdir(d, 0755);
    rc = save_small(d, 2.0f, err, sizeof err);
    printf("  target is a directory: %s\n", err);
    struct stat sb;
    CHECK(rc == -1 && strstr(err, "cannot rename"), "save over a directory: %s", err);
    CHECK(stat(d, &sb) == 0 && S_ISDIR(sb.st_mode), "directory replaced");
    CHECK(!exists(AT("isdir.safetensors.tmp")), "temp file left behind after a failed rename");
    rmdir(d);

    // 3. The directory does not exist: nothing can be created.
    const char *q = AT("no/such/dir/ckpt.safetensors");
    rc = save_small(q, 3.0f, err, sizeof err);
    printf("  missing directory: %s\n", err);
    CHECK(rc == -1 && strstr(err, "cannot create") && strstr(err, "No such file"), "%s", err);

    // 4. A stale PATH.tmp from a crash does not stop the next save.
    put_bytes(tmp, "stale", 5);
    CHECK(save_small(p, 4.0f, err, sizeof err) == 0, "save over stale tmp: %s", err);
    st_file f;
    if (!read_ok("after stale tmp", p, &f)) {
        const float *v = st_data(&f, st_find(&f, "x"));
        CHECK(v[0] == 4.0f && v[3] == 4.0f, "new contents not saved");
        st_free(&f);
    }
    CHECK(!exists(tmp), "stale temp file left behind");
    free(orig);
}

static void cleanup(void) {
    const char *names[] = {"bad.safetensors", "edge.safetensors", "model.safetensors",
                           "ckpt.safetensors", "ckpt.safetensors.tmp"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(AT(names[i]));
    rmdir(dir);
}

int main(void) {
    if (!mkdtemp(dir)) {
        printf("FAIL: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_round_trip();
    test_malformed();
    test_valid_edges();
    test_writer_errors();
    test_atomic_save();
    cleanup();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
