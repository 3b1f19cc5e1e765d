// safetensors reader: json-c parses the header; this file checks what the
// parsed header says against the bytes that are there.
#include "io/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "data/fail.h"
#include "io/safetensors_shape.h"

/* ------------------------------------------------------------------ reader */

static const char *type_name(json_object *o) {
    switch (json_object_get_type(o)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a fractional number";
    case json_type_int: return "an integer";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "an unknown JSON type";
}

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
} reader;

#define RFAIL(r, fmt, ...) data_fail((r)->err, (r)->errlen, "%s: " fmt, (r)->path, __VA_ARGS__)

void st_free(st_file *f) {
    if (!f) return;
    for (int i = 0; i < f->meta_count; i++) {
        free(f->meta_keys[i]);
        free(f->meta_values[i]);
    }
    free(f->meta_keys);
    free(f->meta_values);
    free(f->tensors);
    free(f->data);
    free(f->path);
    memset(f, 0, sizeof *f);
}

static int read_exact(const reader *r, FILE *fp, void *buf, size_t n, const char *what) {
    if (n == 0 || fread(buf, 1, n, fp) == n) return 0;
    return RFAIL(r, "could not read the %s (%s) — the file changed while reading or the disk "
                 "has errors; retry or re-copy it", what, ferror(fp) ? strerror(errno) : "short read");
}

// Checks the file size, then the 8-byte header length against it.
static int read_prefix(const reader *r, FILE *fp, uint64_t *hlen, uint64_t *fsize) {
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0)
        return RFAIL(r, "cannot stat: %s — check the path", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return RFAIL(r, "%s", "not a regular file — give the path of a .safetensors file");
    *fsize = (uint64_t)sb.st_size;
    if (*fsize < 8)
        return RFAIL(r, "too short: %" PRIu64 " bytes, but a safetensors file starts with an 8-byte "
                     "header length — the file is empty or incomplete; re-create or re-copy it", *fsize);
    uint8_t b[8];
    if (read_exact(r, fp, b, 8, "header length")) return -1;
    *hlen = 0;
    for (int i = 7; i >= 0; i--) *hlen = (*hlen << 8) | b[i];
    if (*hlen == 0)
        return RFAIL(r, "%s", "header length is 0, so there is no JSON header — the file is "
                     "corrupt or not a safetensors file");
    if (*hlen > ST_MAX_HEADER)
        return RFAIL(r, "header length %" PRIu64 " is absurd (limit %u bytes) — the file is corrupt "
                     "or not a safetensors file", *hlen, ST_MAX_HEADER);
    if (*hlen > *fsize - 8)
        return RFAIL(r, "truncated: header says %" PRIu64 " bytes of JSON but the file has %" PRIu64
                     " after the length — the file is incomplete; re-copy it or use an earlier "
                     "checkpoint", *hlen, *fsize - 8);
    return 0;
}

static int parse_json(const reader *r, const char *text, size_t n, json_object **root) {
    *root = NULL;
    json_tokener *tok = json_tokener_new();
    if (!tok) return RFAIL(r, "%s", "out of memory parsing the header");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                JSON_TOKENER_VALIDATE_UTF8);
    *root = json_tokener_parse_ex(tok, text, (int)n);
    size_t end = json_tokener_get_parse_end(tok);
    enum json_tokener_error e = json_tokener_get_error(tok);
    const char *why = e == json_tokener_continue ? "the text ends inside a value"
                                                  : json_tokener_error_desc(e);
    json_tokener_free(tok);
    if (!*root)
        return RFAIL(r, "header is not valid JSON (json-c: %s, near byte %zu of %zu) — the file is "
                     "corrupt or not a safetensors file", why, end, n);
    // The format allows padding the header with spaces, nothing else.
    for (size_t i = end; i < n; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
            return RFAIL(r, "header is not valid JSON: junk after the object at byte %zu of %zu — "
                         "the file is corrupt", i, n);
    if (!json_object_is_type(*root, json_type_object))
        return RFAIL(r, "header is not a JSON object but %s — the file is corrupt or not a "
                     "safetensors file", type_name(*root));
    return 0;
}

// json-c keeps only the last of repeated keys, so a repeated tensor name
// would vanish silently; and json-c 0.16 accepts 'single-quoted' keys even
// in strict mode. The text has already passed json-c, so finding keys only
// needs string and nesting boundaries; json-c decodes each key again.
typedef struct { const char *t; size_t n, pos; int depth, want_key; } key_scan;

// Next key of the top-level object: 1 and its quoted span, 0 at the end,
// -1 at a single-quoted string (with *start at its quote).
static int next_top_key(key_scan *s, size_t *start, size_t *len) {
    while (s->pos < s->n) {
        size_t i = s->pos++;
        char c = s->t[i];
        if (c == '{' || c == '[') s->want_key = ++s->depth == 1;
        else if (c == '}' || c == ']') s->depth--;
        else if (c == ',') s->want_key = s->depth == 1;
        else if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < s->n && s->t[j] != c) j += s->t[j] == '\\' ? 2 : 1;
            s->pos = j + 1;
            *start = i;
            *len = j + 1 - i;
            if (c == '\'') return -1;
            if (s->want_key) { s->want_key = 0; return 1; }
        }
    }
    return 0;
}

static char *decode_key(const char *quoted, size_t len) {
    json_tokener *tok = json_tokener_new();
    json_object *o = tok ? json_tokener_parse_ex(tok, quoted, (int)len) : NULL;
    char *s = o ? strdup(json_object_get_string(o)) : NULL;
    json_object_put(o);
    if (tok) json_tokener_free(tok);
    return s;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Only reached when some key repeats: sorts the decoded keys to name it.
static int name_duplicate(const reader *r, const char *text, size_t n, size_t keys) {
    key_scan s = {text, n, 0, 0, 0};
    char **names = calloc(keys, sizeof *names);
    size_t start, len, k = 0;
    int found = 0;
    while (names && k < keys && next_top_key(&s, &start, &len) == 1)
        if (!(names[k++] = decode_key(text + start, len))) break;
    if (names && keys > 0 && k == keys && names[k - 1]) {
        qsort(names, keys, sizeof *names, cmp_str);
        for (k = 1; k < keys && !found; k++)
            if (strcmp(names[k - 1], names[k]) == 0) {
                RFAIL(r, "name '%.*s' appears more than once in the header — the file is corrupt "
                      "or was written by a broken tool", ST_MAX_NAME, names[k]);
                found = 1;
            }
    }
    for (k = 0; names && k < keys; k++) free(names[k]);
    free(names);
    if (!found) RFAIL(r, "%s", "a name appears more than once in the header — the file is corrupt");
    return -1;
}

static int check_keys(const reader *r, const char *text, size_t n, json_object *root) {
    key_scan s = {text, n, 0, 0, 0};
    size_t start, len, keys = 0;
    int rc;
    while ((rc = next_top_key(&s, &start, &len)) == 1) keys++;
    if (rc < 0)
        return RFAIL(r, "header is not valid JSON: single-quoted string at byte %zu of %zu — the "
                     "file is corrupt or not a safetensors file", start, n);
    if (keys != (size_t)json_object_object_length(root)) return name_duplicate(r, text, n, keys);
    return 0;
}

static int parse_meta(const reader *r, json_object *m, st_file *out) {
    if (!json_object_is_type(m, json_type_object))
        return RFAIL(r, "\"__metadata__\" is %s, not an object of strings — the file is corrupt",
                     type_name(m));
    int n = json_object_object_length(m);
    out->meta_keys = calloc((size_t)n + 1, sizeof(char *));
    out->meta_values = calloc((size_t)n + 1, sizeof(char *));
    if (!out->meta_keys || !out->meta_values) return RFAIL(r, "%s", "out of memory reading metadata");
    json_object_object_foreach(m, key, val) {
        if (!json_object_is_type(val, json_type_string))
            return RFAIL(r, "metadata value for \"%s\" is %s, not a string — the file is corrupt "
                         "or was written by a tool that breaks the format", key,
                         type_name(val));
        int i = out->meta_count;
        out->meta_keys[i] = strdup(key);
        out->meta_values[i] = strdup(json_object_get_string(val));
        if (!out->meta_keys[i] || !out->meta_values[i]) {
            free(out->meta_keys[i]);
            free(out->meta_values[i]);
            return RFAIL(r, "%s", "out of memory reading metadata");
        }
        out->meta_count++;
    }
    return 0;
}

static int get_int(json_object *v, int64_t *out) {
    if (!json_object_is_type(v, json_type_int)) return -1;
    *out = json_object_get_int64(v);  // values past INT64_MAX clamp, and then fail range checks
    return 0;
}

static int parse_shape(const reader *r, const char *name, json_object *e, st_tensor *t) {
    json_object *v;
    if (!json_object_object_get_ex(e, "shape", &v) || !json_object_is_type(v, json_type_array))
        return RFAIL(r, "tensor '%s': missing or non-array \"shape\" — the file is corrupt", name);
    size_t nd = json_object_array_length(v);
    if (nd > ST_MAX_DIMS)
        return RFAIL(r, "tensor '%s': shape has %zu dims, more than the %d supported — the file "
                     "is not a vae-vk file", name, nd, ST_MAX_DIMS);
    t->ndim = (int)nd;
    for (size_t i = 0; i < nd; i++) {
        if (get_int(json_object_array_get_idx(v, i), &t->shape[i]))
            return RFAIL(r, "tensor '%s': shape dim %zu is not an integer — the file is corrupt",
                         name, i);
        if (t->shape[i] < 0)
            return RFAIL(r, "tensor '%s': shape dim %zu is negative (%" PRId64 ") — the file is "
                         "corrupt", name, i, t->shape[i]);
    }
    return 0;
}

static int parse_offsets(const reader *r, const char *name, json_object *e, st_tensor *t,
                         size_t data_size) {
    json_object *v;
    int64_t b, en;
    if (!json_object_object_get_ex(e, "data_offsets", &v) ||
        !json_object_is_type(v, json_type_array) || json_object_array_length(v) != 2 ||
        get_int(json_object_array_get_idx(v, 0), &b) || get_int(json_object_array_get_idx(v, 1), &en))
        return RFAIL(r, "tensor '%s': \"data_offsets\" missing or not [begin, end] integers — the "
                     "file is corrupt", name);
    if (b < 0 || en < 0)
        return RFAIL(r, "tensor '%s': negative data offset [%" PRId64 ", %" PRId64 "] — the file "
                     "is corrupt", name, b, en);
    if (b > en)
        return RFAIL(r, "tensor '%s': data_offsets begin %" PRId64 " > end %" PRId64 " — the file "
                     "is corrupt", name, b, en);
    if ((uint64_t)en > data_size)
        return RFAIL(r, "tensor '%s': data_offsets end %" PRId64 " is beyond the data buffer of %zu "
                     "bytes — the file is truncated; re-copy it or use an earlier checkpoint",
                     name, en, data_size);
    t->begin = (size_t)b;
    t->end = (size_t)en;
    return 0;
}

static int parse_tensor(const reader *r, const char *name, json_object *e, size_t data_size,
                        st_tensor *t) {
    if (strlen(name) >= ST_MAX_NAME)
        return RFAIL(r, "tensor name '%.40s...' is %zu bytes, more than the %d supported — rename "
                     "the tensor", name, strlen(name), ST_MAX_NAME - 1);
    if (!json_object_is_type(e, json_type_object))
        return RFAIL(r, "entry '%s' is %s, not an object with dtype, shape and data_offsets — "
                     "the file is corrupt", name, type_name(e));
    strcpy(t->name, name);
    json_object *v;
    if (!json_object_object_get_ex(e, "dtype", &v) || !json_object_is_type(v, json_type_string))
        return RFAIL(r, "tensor '%s': missing or non-string \"dtype\" — the file is corrupt", name);
    const char *dt = json_object_get_string(v);
    size_t esize = st_dtype_size(dt);
    if (esize == 0)
        return RFAIL(r, "tensor '%s': unknown dtype '%.16s' (known: F64 F32 F16 BF16 I64 I32 I16 I8 "
                     "U64 U32 U16 U8 BOOL F8_E4M3 F8_E5M2) — the file needs a newer reader", name, dt);
    strcpy(t->dtype, dt);
    if (parse_shape(r, name, e, t) || parse_offsets(r, name, e, t, data_size)) return -1;
    char sh[160];
    size_t need;
    st_fmt_shape(sh, sizeof sh, t->ndim, t->shape);
    if (st_byte_count(esize, t->ndim, t->shape, &need))
        return RFAIL(r, "tensor '%s': shape %s overflows the byte count — the file is corrupt",
                     name, sh);
    if (need != t->end - t->begin)
        return RFAIL(r, "tensor '%s': data_offsets span %zu bytes but %s %s needs %zu — the file is "
                     "corrupt", name, t->end - t->begin, dt, sh, need);
    return 0;
}

static int cmp_range(const void *a, const void *b) {
    const st_tensor *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

// Sorted by begin, the tensors must tile [0, data_size) exactly, as the
// format requires: no hidden bytes, no aliasing.
static int check_coverage(const reader *r, st_file *f) {
    qsort(f->tensors, (size_t)f->count, sizeof *f->tensors, cmp_range);
    size_t pos = 0;
    for (int i = 0; i < f->count; i++) {
        const st_tensor *t = &f->tensors[i];
        if (t->begin < pos)
            return RFAIL(r, "tensors '%s' and '%s' overlap (bytes %zu..%zu and %zu..%zu) — the file "
                         "is corrupt", f->tensors[i - 1].name, t->name, f->tensors[i - 1].begin,
                         f->tensors[i - 1].end, t->begin, t->end);
        if (t->begin > pos)
            return RFAIL(r, "gap of %zu unused bytes before tensor '%s' at byte %zu — the file is "
                         "corrupt", t->begin - pos, t->name, t->begin);
        pos = t->end;
    }
    if (pos < f->data_size && f->count == 0)
        return RFAIL(r, "no tensors but a %zu-byte data buffer — the file is corrupt", f->data_size);
    if (pos < f->data_size)
        return RFAIL(r, "%zu trailing bytes after the last tensor '%s' — the file is corrupt or "
                     "was appended to", f->data_size - pos, f->tensors[f->count - 1].name);
    return 0;
}

static int parse_entries(const reader *r, json_object *root, st_file *out) {
    out->tensors = calloc((size_t)json_object_object_length(root) + 1, sizeof *out->tensors);
    if (!out->tensors) return RFAIL(r, "%s", "out of memory reading the header");
    json_object_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            if (parse_meta(r, val, out)) return -1;
        } else {
            if (parse_tensor(r, key, val, out->data_size, &out->tensors[out->count])) return -1;
            out->count++;
        }
    }
    return check_coverage(r, out);
}

static int parse_header(const reader *r, const char *text, size_t n, st_file *out) {
    json_object *root = NULL;
    if (parse_json(r, text, n, &root)) {
        json_object_put(root);
        return -1;
    }
    int rc = check_keys(r, text, n, root) || parse_entries(r, root, out) ? -1 : 0;
    json_object_put(root);
    return rc;
}

static int read_all(const reader *r, FILE *fp, st_file *out) {
    uint64_t hlen = 0, fsize = 0;
    if (read_prefix(r, fp, &hlen, &fsize)) return -1;
    out->data_size = (size_t)(fsize - 8 - hlen);
    char *text = malloc((size_t)hlen + 1);
    out->data = malloc(out->data_size ? out->data_size : 1);
    out->path = strdup(r->path);
    int rc;
    if (!text || !out->data || !out->path)
        rc = RFAIL(r, "out of memory reading %" PRIu64 " bytes", fsize);
    else
        rc = read_exact(r, fp, text, (size_t)hlen, "header") ||
             read_exact(r, fp, out->data, out->data_size, "data") ||
             parse_header(r, text, (size_t)hlen, out) ? -1 : 0;
    free(text);
    return rc;
}

int st_read(const char *path, st_file *out, char *err, size_t errlen) {
    reader r = {path, err, errlen};
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) return RFAIL(&r, "cannot open: %s — check the path", strerror(errno));
    int rc = read_all(&r, fp, out);
    fclose(fp);
    if (rc) st_free(out);
    return rc;
}

const st_tensor *st_find(const st_file *f, const char *name) {
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
    return NULL;
}

const char *st_meta(const st_file *f, const char *key) {
    for (int i = 0; i < f->meta_count; i++)
        if (strcmp(f->meta_keys[i], key) == 0) return f->meta_values[i];
    return NULL;
}

const st_tensor *st_expect(const st_file *f, const char *name, const char *dtype, int ndim,
                           const int64_t *shape, char *err, size_t errlen) {
    const char *path = f->path ? f->path : "(safetensors)";
    const st_tensor *t = st_find(f, name);
    if (!t) {
        data_fail(err, errlen, "%s: tensor '%s' is missing — the file was written for a different "
             "model or version; use a matching file or configuration", path, name);
        return NULL;
    }
    int ok = (!dtype || strcmp(t->dtype, dtype) == 0) &&
             (ndim < 0 || (t->ndim == ndim && memcmp(t->shape, shape, (size_t)ndim * sizeof *shape) == 0));
    if (!ok) {
        char have[160], want[160];
        st_fmt_shape(have, sizeof have, t->ndim, t->shape);
        if (ndim < 0) snprintf(want, sizeof want, "(any shape)");
        else st_fmt_shape(want, sizeof want, ndim, shape);
        data_fail(err, errlen, "%s: tensor '%s' is %s %s but %s %s was expected — the file was written "
             "for a different model configuration; use a matching file or configuration", path,
             name, t->dtype, have, dtype ? dtype : "(any dtype)", want);
        return NULL;
    }
    return t;
}

