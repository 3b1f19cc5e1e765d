#include "viz/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_free(strbuf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Room for n more bytes and the terminating NUL. */
static int reserve(strbuf *b, size_t n) {
    if (b->failed)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = 1;
        return -1;
    }
    b->data = grown;
    b->cap = cap;
    return 0;
}

void sb_append(strbuf *b, const char *text, size_t n) {
    if (reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *text) { sb_append(b, text, strlen(text)); }

void sb_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_escape(strbuf *b, const char *text) {
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        default: sb_append(b, p, 1);
        }
    }
}

void sb_base64(strbuf *b, const uint8_t *bytes, size_t n) {
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (reserve(b, (n + 2) / 3 * 4) != 0)
        return;
    char *out = b->data + b->len;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)bytes[i] << 16;
        if (i + 1 < n) v |= (uint32_t)bytes[i + 1] << 8;
        if (i + 2 < n) v |= bytes[i + 2];
        *out++ = digits[v >> 18];
        *out++ = digits[(v >> 12) & 63];
        *out++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
        *out++ = i + 2 < n ? digits[v & 63] : '=';
    }
    b->len = (size_t)(out - b->data);
    b->data[b->len] = '\0';
}
