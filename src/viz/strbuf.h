/* A growable text buffer for the report page: printf-style appends and
 * base64, with one sticky out-of-memory flag instead of a status per call. */
#ifndef VAEVK_VIZ_STRBUF_H
#define VAEVK_VIZ_STRBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;   /* NUL-terminated while len > 0 */
    size_t len, cap;
    int failed;   /* an allocation failed; later appends do nothing */
} strbuf;

void sb_free(strbuf *b);
void sb_append(strbuf *b, const char *text, size_t n);
void sb_puts(strbuf *b, const char *text);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void sb_printf(strbuf *b, const char *fmt, ...);
/* text with & < > " escaped, for HTML text and attribute values. */
void sb_escape(strbuf *b, const char *text);
/* RFC 4648 base64 of bytes, padded with '='. */
void sb_base64(strbuf *b, const uint8_t *bytes, size_t n);

#endif
