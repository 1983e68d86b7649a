/* buf.c: growable text buffer (see buf.h). */
#include "buf.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

static void reserve(ud_buf_t *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = ud_realloc(b->data, b->cap, cap);
	b->cap = cap;
}

void ud_buf_vprintf(ud_buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	if ((size_t)n < sizeof small)
		memcpy(b->data + b->len, small, (size_t)n + 1);
	else
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ud_buf_printf(ud_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ud_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ud_buf_puts(ud_buf_t *b, const char *s)
{
	size_t n = strlen(s);
	reserve(b, n);
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

void ud_buf_append(ud_buf_t *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void ud_buf_fill(ud_buf_t *b, char ch, size_t n)
{
	reserve(b, n);
	memset(b->data + b->len, ch, n);
	b->len += n;
	b->data[b->len] = 0;
}

void ud_buf_free(ud_buf_t *b)
{
	ud_free(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. Overlong
** forms, surrogates and C1 controls count as invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0xa0;	/* U+0080..U+009F are the C1 controls */
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void ud_text_sanitize(char *s, size_t n, bool keep_newlines)
{
	unsigned char *p = (unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		if (c < 0x80) {
			bool ok = c >= 0x20 ? c != 0x7f
					    : c == '\t' || (c == '\n' && keep_newlines);
			if (!ok)
				p[i] = '?';
			i++;
			continue;
		}
		size_t len = utf8_len(p + i, n - i);
		if (len) {
			i += len;
		} else {
			p[i] = '?';
			i++;
		}
	}
}
